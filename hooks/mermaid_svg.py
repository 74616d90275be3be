"""MkDocs hook: mermaid diagrams become inline SVG at build time, so readers download no diagram script.

Mermaid is 2.7 MB of JavaScript (770 KB gzipped) and ~400 ms of main thread on a phone; the
diagrams it draws never change after the build. So the build draws them: every ```` ```mermaid ````
fence is rendered once in headless Chromium with the mermaid pinned in package-lock.json and
Material's own mermaid theme, and the page gets the SVG inline.

- Both colour schemes: Material's theme CSS colours the diagram with `var(--md-mermaid-*)`, which
  Material's stylesheet defines per scheme, so one SVG follows the reader's scheme.
- Korean labels and selectable text: labels stay text (HTML labels in `foreignObject`, `<text>` in
  sequence diagrams) and are drawn in the page's font. They are *measured* at build time with
  Pretendard (npm, build-time only), whose Hangul metrics match the system Korean fonts closely.
- Cache: `.cache/diagrams/<hash>.svg`, keyed by the diagram and everything that shapes its SVG,
  so a rebuild (and `make serve` reloading) starts the browser only for new or edited diagrams.

Needs Chromium (Debian's, CHROMIUM_PATH, or Playwright's own) only when a diagram is not cached yet.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

PROJECT = Path(__file__).resolve().parent.parent
CACHE = PROJECT / ".cache" / "diagrams"
MERMAID_JS = PROJECT / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
MEASURE_FONT = (
    PROJECT
    / "node_modules"
    / "pretendard"
    / "dist"
    / "web"
    / "variable"
    / "woff2"
    / "PretendardVariable.woff2"
)
# Bump when the way an SVG is produced changes (config, post-processing): old cache entries then miss.
RENDER_VERSION = "2"

FENCE = re.compile(r'<pre class="mermaid"><code>(.*?)</code></pre>', re.S)
MEASURE_FAMILY = "bk-measure"


# ---- Material's mermaid theme -------------------------------------------------------------------
def material_theme_css() -> str:
    """The theme CSS Material passes to `mermaid.initialize` (read from its bundle, so it stays in step
    with the installed Material: it maps every diagram colour to a `--md-mermaid-*` variable)."""
    import material

    scripts = Path(material.__file__).parent / "templates" / "assets" / "javascripts"
    for bundle in scripts.glob("bundle.*.min.js"):
        text = bundle.read_text(encoding="utf-8")
        name = re.search(r"themeCSS:(\w+)", text)
        if name:
            value = re.search(rf'\b{re.escape(name.group(1))}="((?:[^"\\]|\\.)*)"', text)
            if value:
                return json.loads(f'"{value.group(1)}"')
    raise PluginError("mermaid_svg: could not find Material's mermaid theme CSS in its JavaScript bundle")


def mermaid_config(theme_css: str) -> dict[str, Any]:
    # Material's own settings (font sizes of sequence diagrams), measured in the stand-in font.
    return {
        "startOnLoad": False,
        "themeCSS": theme_css,
        "fontFamily": MEASURE_FAMILY,
        "themeVariables": {"fontFamily": MEASURE_FAMILY},
        "sequence": {"actorFontSize": "16px", "messageFontSize": "16px", "noteFontSize": "16px"},
    }


# ---- The renderer: one headless Chromium per build, started on the first uncached diagram ----------
RENDER_PAGE = f"""<!doctype html><meta charset="utf-8">
<style>
@font-face {{ font-family: {MEASURE_FAMILY}; src: url(/measure.woff2) format("woff2"); font-weight: 100 900; }}
:root {{ --md-mermaid-font-family: {MEASURE_FAMILY}; --md-text-font-family: {MEASURE_FAMILY}; font-family: {MEASURE_FAMILY}; }}
</style>
<script src="/mermaid.min.js"></script>
<body></body>"""

RENDER_ALL = """async ([config, diagrams]) => {
  await document.fonts.load('16px bk-measure', '가A');
  mermaid.initialize(config);
  const out = [];
  for (const [id, source] of diagrams) {
    try { out.push({ svg: (await mermaid.render(id, source)).svg }); }
    catch (error) { out.push({ error: String(error && error.message || error) }); }
  }
  return out;
}"""


PARSE_ALL = """async ([config, sources]) => {
  mermaid.initialize(config);
  const out = [];
  for (const source of sources) {
    try { await mermaid.parse(source); out.push(null); }
    catch (error) { out.push(String(error && error.message || error)); }
  }
  return out;
}"""


class Renderer:
    """Headless Chromium with mermaid loaded; the page and its files are served from memory."""

    ORIGIN = "http://diagrams.invalid"

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        for path in (MERMAID_JS, MEASURE_FONT):
            if not path.is_file():
                raise PluginError(f"mermaid_svg: {path} is missing; run `make assets` (npm ci)")
        self._pw = sync_playwright().start()
        chromium = os.environ.get("CHROMIUM_PATH") or (
            "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
        )
        self._browser = self._pw.chromium.launch(
            executable_path=chromium,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        self._page = self._browser.new_page()
        files = {
            "/": (RENDER_PAGE.encode(), "text/html"),
            "/mermaid.min.js": (MERMAID_JS.read_bytes(), "text/javascript"),
            "/measure.woff2": (MEASURE_FONT.read_bytes(), "font/woff2"),
        }

        def serve(route: Any) -> None:
            path = "/" + route.request.url.removeprefix(self.ORIGIN).lstrip("/")
            body, kind = files.get(path, (b"", "text/plain"))
            route.fulfill(status=200 if path in files else 404, body=body, content_type=kind)

        self._page.route("**/*", serve)  # nothing leaves the machine
        self._page.goto(self.ORIGIN + "/")
        self._config = mermaid_config(material_theme_css())

    def render(self, diagrams: list[tuple[str, str]]) -> list[dict[str, str]]:
        return self._page.evaluate(RENDER_ALL, [self._config, diagrams])

    def parse(self, sources: list[str]) -> list[str | None]:
        """mermaid's error message for each source that does not parse (None for one that does)."""
        return self._page.evaluate(PARSE_ALL, [self._config, sources])

    def close(self) -> None:
        self._browser.close()
        self._pw.stop()


_renderer: Renderer | None = None


def _cache_key(source: str) -> str:
    mermaid_version = json.loads((MERMAID_JS.parent.parent / "package.json").read_text())["version"]
    import material

    stamp = f"{RENDER_VERSION}\n{mermaid_version}\n{material.__version__}\n{source}"
    return hashlib.sha256(stamp.encode()).hexdigest()[:16]


LONG_DECIMAL = re.compile(r"(\d\.\d\d)\d+")


def _finish(svg: str) -> str:
    # Labels were measured in the stand-in font; readers see them in the page's own font.
    svg = svg.replace(MEASURE_FAMILY, "var(--md-mermaid-font-family)")
    # Coordinates to 1/100 px: mermaid's hand-drawn-style paths carry 15 digits, a third of the bytes.
    return LONG_DECIMAL.sub(r"\1", svg)


def _store(path: Path, svg: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Atomic: builds running side by side (tests, `serve`) may write the same entry.
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp"
    ) as tmp:
        tmp.write(svg)
    os.replace(tmp.name, path)


def svgs_for(sources: list[str], where: str) -> list[str]:
    """The SVG of each diagram source, rendering the ones not cached yet in one batch."""
    global _renderer
    keys = [_cache_key(source) for source in sources]
    missing = [
        (f"mermaid-{key}", source)
        for key, source in zip(keys, sources, strict=True)
        if not (CACHE / f"{key}.svg").is_file()
    ]
    if missing:
        if _renderer is None:
            _renderer = Renderer()
        for (diagram_id, _), result in zip(missing, _renderer.render(missing), strict=True):
            if "error" in result:
                raise PluginError(f"mermaid_svg: a diagram in {where} does not render: {result['error']}")
            _store(CACHE / f"{diagram_id.removeprefix('mermaid-')}.svg", _finish(result["svg"]))
    return [(CACHE / f"{key}.svg").read_text(encoding="utf-8") for key in keys]


# ---- MkDocs events ------------------------------------------------------------------------------------
def on_page_content(html_text: str, page: Any, **kwargs: Any) -> str:
    blocks = FENCE.findall(html_text)
    if not blocks:
        return html_text
    svgs = iter(svgs_for([html.unescape(block) for block in blocks], page.file.src_uri))
    return FENCE.sub(lambda _: f'<div class="bk-diagram">{next(svgs)}</div>', html_text)


def _close() -> None:
    global _renderer
    if _renderer is not None:
        _renderer.close()
        _renderer = None


def on_post_build(**kwargs: Any) -> None:
    _close()


def on_build_error(**kwargs: Any) -> None:
    _close()
