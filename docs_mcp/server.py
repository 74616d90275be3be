"""The MCP tools: search_docs, get_page and get_operation, each answering in Markdown."""

from __future__ import annotations

from typing import Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from .library import Library, NotFound

Lang = Literal["ko", "en"]
INSTRUCTIONS = (
    "Documentation of bkend's Auth & User REST API in Korean (ko) and English (en). "
    "search_docs finds the guide for a task and returns it as Markdown with the endpoints, request "
    "fields, code samples and error codes; get_page reads a page by path; get_operation reads one "
    "operation (by operationId, e.g. emailSignUp) from the API reference."
)


def create_server(library: Library, base_url: str = "") -> MCPServer:
    server = MCPServer("bkend-auth-docs", instructions=INSTRUCTIONS)

    def url(path: str) -> str:
        return base_url.rstrip("/") + "/" + path if base_url else path

    @server.tool()
    def search_docs(query: str, lang: Lang = "ko") -> str:
        """Search the docs like the site's search box. Returns the matching pages (best first) and
        the full Markdown of the best one."""
        try:
            hits = library.search(query, lang)
        except NotFound as error:
            raise ToolError(str(error)) from error
        if not hits:
            return f"No page of the {lang} docs matches {query!r}."
        lines = [f"Results for {query!r} ({lang}):", ""]
        for number, hit in enumerate(hits, 1):
            sections = ", ".join(s.title for s in hit.sections if "#" in s.location)[:200]
            twin = library.twin_file(library.language(lang), hit.location).relative_to(library.site)
            lines.append(f"{number}. [{hit.title}]({url(twin.as_posix())})" + (f" — {sections}" if sections else ""))
        _, best = library.get_page(hits[0].location, lang)
        return "\n".join(lines) + "\n\n---\n\n" + best

    @server.tool()
    def get_page(path: str, lang: Lang = "ko") -> str:
        """One page as Markdown, by its path ("authentication/email-signup") or URL."""
        try:
            twin, markdown = library.get_page(path, lang)
        except NotFound as error:
            raise ToolError(str(error)) from error
        return f"<!-- {url(twin)} -->\n\n{markdown}"

    @server.tool()
    def get_operation(operation_id: str, lang: Lang = "ko") -> str:
        """One API operation (by operationId, e.g. "emailSignUp") from the reference: endpoint,
        parameters, request body, code samples, response and errors, as Markdown."""
        try:
            markdown, guide = library.get_operation(operation_id, lang)
        except NotFound as error:
            raise ToolError(str(error)) from error
        if guide:
            page = library.twin_file(library.language(lang), guide).relative_to(library.site).as_posix()
            markdown += f"\n---\n\nGuide: {url(page)}#{guide.split('#')[1]}\n" if "#" in guide else f"\n---\n\nGuide: {url(page)}\n"
        return markdown

    return server
