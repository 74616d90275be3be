"""`python -m docs_mcp` over the built site, through the official MCP SDK's client: stdio and
streamable HTTP."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import anyio
import pytest
from mcp.client.client import Client
from mcp.client.stdio import StdioServerParameters

from tests.conftest import ROOT, free_port, stop_process, wait_for_port

T = TypeVar("T")


async def _call(client: Client, tool: str, **args: str) -> tuple[bool, str]:
    result = await client.call_tool(tool, args)
    return bool(result.is_error), "\n".join(c.text for c in result.content if hasattr(c, "text"))


def _stdio(site: Path) -> StdioServerParameters:
    return StdioServerParameters(
        command=sys.executable, args=["-m", "docs_mcp", "--site", str(site)], cwd=str(ROOT)
    )


def in_own_thread(session: Callable[[], Awaitable[T]]) -> T:
    """Run an async client session in a thread of its own: the test session's browser (Playwright's
    sync API) keeps an event loop running in this one, where anyio.run would refuse to start."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(anyio.run, session).result()


def test_stdio_session_lists_tools_and_finds_the_signup_guide(built_site: Path) -> None:
    async def session() -> None:
        async with Client(_stdio(built_site)) as client:
            tools = {tool.name for tool in (await client.list_tools()).tools}
            assert tools == {"search_docs", "get_page", "get_operation"}

            for query, lang, twin, title, fields in [
                ("이메일 회원가입", "ko", "authentication/email-signup.md", "# 이메일 회원가입", "| 필드 |"),
                ("email sign up", "en", "en/authentication/email-signup.md", "# Email sign-up", "| Field |"),
            ]:
                error, text = await _call(client, "search_docs", query=query, lang=lang)
                assert not error, text
                results, _, best = text.partition("\n---\n")
                assert f"1. [{title[2:]}]({twin})" in results, results
                assert best.strip().startswith(title)
                assert re.search(r"^POST `/v1/auth/email/signup`", best, re.M), best[:600]  # the endpoint line
                assert fields in best
                for field in ("`email`", "`password`", "`name`"):
                    assert f"| {field} |" in best, field

            error, text = await _call(client, "get_page", path="/en/authentication/mfa/", lang="en")
            assert not error and "# Multi-factor auth (MFA)" in text
            error, text = await _call(client, "get_page", path="authentication/mfaa", lang="ko")
            assert error and "authentication/mfa/" in text  # a suggestion, not a crash

            error, text = await _call(client, "get_operation", operation_id="refreshtoken", lang="ko")
            assert not error, text
            assert re.search(r"^POST `/v1/auth/refresh`", text, re.M) and "| `refreshToken` |" in text and "**cURL**" in text
            assert "authentication/sessions-tokens.md#refresh-token" in text  # the guide that documents it
            error, text = await _call(client, "get_operation", operation_id="emailSignup2", lang="en")
            assert error and "emailSignUp" in text

    in_own_thread(session)


def test_search_docs_ranks_like_the_site(built_site: Path) -> None:
    """The tool lists pages in the order of docs_search.ranking, which test_search_browser.py holds
    against the search box."""
    from docs_search.ranking import SiteSearch

    expected = [p.title for p in SiteSearch.from_file(built_site / "search" / "search_index.json").pages("토큰 갱신")][:5]

    async def session() -> list[str]:
        async with Client(_stdio(built_site)) as client:
            _, text = await _call(client, "search_docs", query="토큰 갱신", lang="ko")
            return [line.split("](")[0].split(". [", 1)[1] for line in text.split("\n---\n")[0].splitlines() if ". [" in line]

    assert in_own_thread(session) == expected


@pytest.mark.slow
def test_streamable_http_with_port(built_site: Path, tmp_path: Path) -> None:
    port = free_port()
    log = (tmp_path / "docs_mcp.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "docs_mcp", "--site", str(built_site), "--port", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, proc=proc)

        async def session() -> tuple[set[str], str]:
            async with Client(f"http://127.0.0.1:{port}/mcp") as client:
                tools = {tool.name for tool in (await client.list_tools()).tools}
                _, text = await _call(client, "search_docs", query="magic link", lang="en")
                return tools, text

        tools, text = in_own_thread(session)
        assert tools == {"search_docs", "get_page", "get_operation"}
        assert "1. [Magic link](en/authentication/magic-link.md)" in text
    finally:
        stop_process(proc)
        log.close()
