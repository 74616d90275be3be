"""`python -m docs_mcp [--site DIR] [--port PORT [--host HOST]]`: the docs' MCP server.

Without --site it serves the project's docs, building them first into .cache/docs-mcp/site (a
strict `mkdocs build`, about half a minute) when that build is missing or older than the sources.
With --port it speaks streamable HTTP at http://HOST:PORT/mcp, otherwise stdio.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
CACHED_SITE = PROJECT / ".cache" / "docs-mcp" / "site"
SOURCES = ("docs", "spec", "macros", "docs_search", "hooks", "mkdocs.yml", "docs_macros.py")


def _newest_source() -> float:
    newest = 0.0
    for name in SOURCES:
        path = PROJECT / name
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        newest = max([newest, *(p.stat().st_mtime for p in files)])
    return newest


def ensure_site() -> Path:
    stamp = CACHED_SITE / "search" / "search_index.json"
    if stamp.is_file() and stamp.stat().st_mtime >= _newest_source():
        return CACHED_SITE
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(CACHED_SITE)],
        cwd=PROJECT,
        capture_output=True,  # stdout is the MCP channel under stdio
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    if result.returncode != 0:
        sys.exit(f"docs_mcp: mkdocs build failed:\n{result.stderr}")
    return CACHED_SITE


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m docs_mcp", description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, help="a built site folder (default: build the project's docs)")
    parser.add_argument("--port", type=int, help="serve streamable HTTP on this port instead of stdio")
    parser.add_argument("--host", default="127.0.0.1", help="address for --port (default 127.0.0.1)")
    parser.add_argument("--base-url", default="", help="site URL to prefix page links with (default: relative)")
    args = parser.parse_args(argv)

    if str(PROJECT) not in sys.path:
        sys.path.insert(0, str(PROJECT))
    from .library import Library
    from .server import create_server

    server = create_server(Library(args.site or ensure_site()), args.base_url)
    if args.port is None:
        server.run("stdio")
    else:
        server.run("streamable-http", host=args.host, port=args.port)


if __name__ == "__main__":
    main()
