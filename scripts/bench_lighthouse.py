"""Lighthouse (mobile, simulated slow 4G) on six pages of this site against a plain Material build.

Both sites are served with gzip from 127.0.0.1 (a real host compresses too; without it the byte
counts would mean little). Lighthouse is the npm package pinned in package-lock.json and drives
Debian's chromium. Each page is measured LIGHTHOUSE_RUNS times (default 3) and the run with the
median performance score is reported: on a shared machine single runs are noisy, TBT most of all.

Run alone: `python scripts/bench_lighthouse.py SITE_DIR PLAIN_SITE_DIR`; `make bench` calls `table()`.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import json
import os
import statistics
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH") or os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
RUNS = int(os.environ.get("LIGHTHOUSE_RUNS", "3"))
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")

# (label, path on this site, path of the same Korean page on the plain build)
PAGES = [
    ("ko home", "", ""),
    ("en home", "en/", ""),
    ("ko endpoint + console", "authentication/email-signup/", "authentication/email-signup/"),
    ("en endpoint + console", "en/authentication/email-signup/", "authentication/email-signup/"),
    ("ko diagram", "authentication/", "authentication/"),
    ("en diagram", "en/authentication/", "authentication/"),
]

# Acceptance budgets (issue #11), checked per page against the Lighthouse result.
MIN_SCORE = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
MAX_CLS = 0.02
MAX_BYTES_FACTOR = 1.3

COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".yaml", ".txt", ".map")


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzipped when the client accepts it (like any real host); 404.html when missing."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def _file(self) -> Path | None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return None  # let the stdlib answer the redirect to the slash URL
            path = path / "index.html"
        return path if path.is_file() else None

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _answer(self, head: bool) -> None:
        path = self._file()
        status = 200
        if path is None:
            if Path(self.translate_path(self.path)).is_dir():
                super().do_GET() if not head else super().do_HEAD()
                return
            path, status = Path(self.directory) / "404.html", 404
        body = path.read_bytes()
        gzipped = path.suffix in COMPRESSIBLE and "gzip" in self.headers.get("Accept-Encoding", "")
        if gzipped:
            body = gzip.compress(body, 6)
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        if not head:
            # Chromium drops connections it no longer needs (preloads, the end of a run).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)


@contextlib.contextmanager
def serve_gzip(directory: Path) -> Iterator[str]:
    """Serve a built site on a free loopback port; yields the base URL (ending in /)."""
    handler = functools.partial(_GzipHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class Result:
    scores: dict[str, int]
    fcp_ms: float
    lcp_ms: float
    cls: float
    tbt_ms: float
    bytes: int
    console_errors: list[str]


def lighthouse(url: str) -> Result:
    """One Lighthouse run (its default mobile config: Moto G Power, simulated slow 4G, 4x CPU)."""
    flags = "--headless=new --no-sandbox --disable-background-networking --disable-gpu --no-first-run"
    proc = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            "--output-path=stdout",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={flags}",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "CHROME_PATH": CHROME},
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}:\n{proc.stderr[-2000:]}")
    report = json.loads(proc.stdout)
    audits = report["audits"]
    errors = audits.get("errors-in-console", {}).get("details", {}).get("items", [])
    return Result(
        scores={c: round((report["categories"][c]["score"] or 0) * 100) for c in CATEGORIES},
        fcp_ms=audits["first-contentful-paint"]["numericValue"],
        lcp_ms=audits["largest-contentful-paint"]["numericValue"],
        cls=audits["cumulative-layout-shift"]["numericValue"],
        tbt_ms=audits["total-blocking-time"]["numericValue"],
        bytes=int(audits["total-byte-weight"]["numericValue"]),
        console_errors=[str(item.get("description") or item.get("url")) for item in errors],
    )


def median_run(url: str, runs: int = RUNS) -> Result:
    results = [lighthouse(url) for _ in range(runs)]
    middle = statistics.median_low([r.scores["performance"] for r in results])
    return next(r for r in results if r.scores["performance"] == middle)


def failures(ours: Result, plain: Result) -> list[str]:
    """What breaks the budgets of issue #11 (empty when the page passes)."""
    found = [f"{c} {ours.scores[c]} < {floor}" for c, floor in MIN_SCORE.items() if ours.scores[c] < floor]
    if ours.cls > MAX_CLS:
        found.append(f"CLS {ours.cls:.3f} > {MAX_CLS}")
    if ours.bytes > MAX_BYTES_FACTOR * plain.bytes:
        found.append(f"bytes {ours.bytes / plain.bytes:.2f}x plain > {MAX_BYTES_FACTOR}x")
    return found


def _cells(r: Result) -> str:
    return (
        f"{r.scores['performance']:>3} {r.fcp_ms / 1000:>4.1f}s {r.lcp_ms / 1000:>4.1f}s "
        f"{r.cls:>5.3f} {r.tbt_ms:>5.0f}ms {r.bytes / 1024:>6.0f}KB"
    )


def _load() -> str:
    """The machine's 1-minute load average: TBT on a shared machine is only as good as this."""
    return f"{os.getloadavg()[0]:.1f}"


def table(site: Path, plain_site: Path) -> tuple[str, bool]:
    """The side-by-side table and whether every page met its budgets."""
    header = "perf  FCP   LCP    CLS    TBT   bytes"
    load_before = _load()
    lines = [
        f"Lighthouse {lighthouse_version()} mobile, median of {RUNS} run(s), chromium {CHROME}, {os.cpu_count()} cores",
        f"{'page':<24} | {'this site: ' + header:<48} | {'plain Material: ' + header:<52} | a11y bp seo | budget",
    ]
    ok = True
    plain_cache: dict[str, Result] = {}
    with serve_gzip(site) as ours_url, serve_gzip(plain_site) as plain_url:
        for label, path, plain_path in PAGES:
            ours = median_run(ours_url + path)
            if plain_path not in plain_cache:
                plain_cache[plain_path] = median_run(plain_url + plain_path)
            plain = plain_cache[plain_path]
            broken = failures(ours, plain)
            ok = ok and not broken
            s = ours.scores
            lines.append(
                f"{label:<24} | {_cells(ours):<48} | {_cells(plain):<52} | "
                f"{s['accessibility']:>4} {s['best-practices']:>3} {s['seo']:>3} | "
                + ("ok" if not broken else "FAIL: " + "; ".join(broken))
            )
            lines.extend(f"{'':<24}   console: {error}" for error in ours.console_errors)
    lines.append(f"load average (1 min) before/after: {load_before} / {_load()} on {os.cpu_count()} cores")
    return "\n".join(lines), ok


def lighthouse_version() -> str:
    package = ROOT / "node_modules" / "lighthouse" / "package.json"
    return json.loads(package.read_text())["version"] if package.is_file() else "?"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: bench_lighthouse.py SITE_DIR PLAIN_SITE_DIR", file=sys.stderr)
        return 2
    text, ok = table(Path(argv[0]), Path(argv[1]))
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
