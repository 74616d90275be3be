"""An MCP server over these docs: `python -m docs_mcp` (stdio) or `python -m docs_mcp --port 8765`
(streamable HTTP at /mcp). Its tools read the built site (the Markdown twins and the per-language
search indexes that hooks/search_llms.py writes) and rank like the site's search box."""
