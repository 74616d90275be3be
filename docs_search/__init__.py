"""Search and AI-tool output built from the pages: per-language search indexes with Korean word parts,
Markdown twins, llms.txt. Used at build time by hooks/search_llms.py and at run time by docs_mcp."""
