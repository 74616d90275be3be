"""Rewrite links, images and figures of one page for the new layout.

- `[text](page.md#anchor)` to an imported page → the page's new path (README.md → index.md, spaces →
  `-`) and the anchor MkDocs gives that heading. To a page that is not part of the import (missing, or
  not listed in SUMMARY.md, or outside the space) → kept as written, with a `link-outside` warning.
- Images (`![alt](src)`, `<img>`, `<figure>`) and links to local files → the file is copied to
  `media/` and the path rewritten; a missing file is an error. `<figure>` becomes Material's
  `<figure markdown="span">` with a Markdown image inside (so MkDocs rewrites its path).
- Remote images would load from a third-party host, which the site does not allow: they become links
  (`remote-image` warning).
- GitBook writes `broken-reference` for links it could not resolve: the text is kept, the link is
  dropped (`broken-link` warning).
Code spans are never touched.
"""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

from importer.anchors import Heading, match_anchor
from importer.assets import AssetStore
from importer.diagnostics import Report
from importer.mdscan import mask_code
from importer.space import Language, Page

_LINK_TEXT = r"(?:[^\[\]]|\[(?:[^\[\]]|\[[^\[\]]*\])*\])*"
_DEST = r"<[^<>\n]*>|(?:[^\s()<]|\([^\s()]*\))+"
_TITLE = r"""\s+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\))"""
_PATTERN = re.compile(
    rf"""
    (?P<figure><figure\b[^>]*>(?P<fig>.*?)</figure>)
    | (?P<img><img\b(?P<img_attrs>[^>]*?)/?>)
    | (?P<link>(?P<bang>!?)\[(?P<text>{_LINK_TEXT})\]\(\s*(?P<dest>{_DEST})(?P<title>{_TITLE})?\s*\))
    | (?P<ref>^[ ]{{0,3}}\[(?P<label>[^\]^\n][^\]\n]*)\]:[ \t]*(?P<refdest><[^>\n]*>|\S+))
    """,
    re.S | re.M | re.X | re.I,
)
_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""")
_IMG_IN_FIGURE = re.compile(r"<img\b([^>]*?)/?>", re.I)
_FIGCAPTION = re.compile(r"<figcaption>(.*?)</figcaption>", re.S | re.I)
_URL_UNSAFE = re.compile(r"""[\s()<>"#?%\[\]]""")


def is_external(url: str) -> bool:
    return bool(re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", url)) or url.startswith("//")


def _quote(path: str) -> str:
    """Percent-encode what Markdown link syntax cannot carry; Korean and other letters stay readable."""
    return _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), path)


def _attrs(text: str) -> dict[str, str]:
    return {m[1].lower(): html.unescape(next(v for v in m.groups()[1:] if v is not None)) for m in _ATTR.finditer(text)}


def _alt(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("\n", " ")


class PageRewriter:
    """The Rewriter (see render.py) of one page of one language."""

    def __init__(
        self,
        lang: Language,
        page: Page,
        src_root: Path,
        assets: AssetStore,
        headings: dict[str, list[Heading]],
        report: Report,
    ):
        self.lang, self.page, self.src_root = lang, page, src_root.resolve()
        self.assets, self.headings, self.report = assets, headings, report
        self.path = lang.root / page.src  # for diagnostics

    # -- Rewriter protocol ---------------------------------------------------------------------------

    def prose(self, text: str, line: int) -> str:
        masked = mask_code(text)
        out: list[str] = []
        pos = 0
        for m in _PATTERN.finditer(masked):
            out.append(text[pos : m.start()])
            at = line + text.count("\n", 0, m.start())
            if m["figure"]:
                out.append(self._figure(text[m.start("fig") : m.end("fig")], text[m.start() : m.end()], at))
            elif m["img"]:
                out.append(self._img_tag(_attrs(text[m.start("img_attrs") : m.end("img_attrs")]), at) or m.group())
            elif m["link"]:
                out.append(self._markdown_link(m, text, at))
            else:
                dest = m["refdest"]
                new = self.link(dest[1:-1] if dest.startswith("<") else dest, at)
                out.append(text[m.start() : m.start("refdest")] + new)
            pos = m.end()
        out.append(text[pos:])
        return "".join(out)

    def link(self, url: str, line: int) -> str:
        if is_external(url):
            return url
        path, _, fragment = url.partition("#")
        path = path.split("?", 1)[0]
        if not path:
            return "#" + self._anchor(self.page, fragment, line, "") if fragment else url
        target = self._resolve(path)
        page = self._page_at(target) if target is not None else None
        if page is None:
            return self._unresolved(url, target, line)
        new = _quote(posixpath.relpath(page.out, posixpath.dirname(self.page.out) or "."))
        return new + ("#" + self._anchor(page, fragment, line, new) if fragment else "")

    def asset(self, url: str, line: int) -> str:
        if is_external(url):
            return url
        path, hash_, fragment = url.partition("#")
        source = self._existing_file(path)
        if source is None:
            self.report.error(self.path, line, f"missing asset {url!r} (no such file in the space)", "asset-missing")
            return url
        rel = self.assets.add(source)
        return _quote(posixpath.relpath(rel, posixpath.dirname(self.page.out) or ".")) + hash_ + fragment

    def page_title(self, url: str) -> str | None:
        target = None if is_external(url) else self._resolve(url.partition("#")[0])
        page = self._page_at(target) if target is not None else None
        return page.title if page else None

    # -- helpers -------------------------------------------------------------------------------------

    def _resolve(self, path: str) -> str | None:
        """A link path as a path relative to the language folder; None when it leaves the space."""
        path = unquote(path)
        joined = path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(self.page.src), path)
        normal = posixpath.normpath(joined)
        return None if normal == ".." or normal.startswith("../") else normal

    def _page_at(self, target: str) -> Page | None:
        return self.lang.pages.get(target) or self.lang.pages.get(posixpath.join(target, "README.md"))

    def _existing_file(self, path: str) -> Path | None:
        if not path or path.startswith("/"):
            return None
        candidate = (self.lang.root / posixpath.dirname(self.page.src) / unquote(path)).resolve()
        if not candidate.is_relative_to(self.src_root) or not candidate.is_file():
            return None
        return candidate

    def _unresolved(self, url: str, target: str | None, line: int) -> str:
        path = url.partition("#")[0]
        looks_like_page = path.lower().endswith(".md") or path.endswith("/") or "." not in posixpath.basename(path)
        if target is not None and not looks_like_page:
            source = self._existing_file(path.split("?", 1)[0])
            if source is not None:
                return self.asset(url, line)
            self.report.warning(self.path, line, f"broken link {url!r}: no such file", "broken-link", url)
            return url
        if target is None:
            why = "leaves the space"
        elif (self.lang.root / target).is_file():
            why = "is not listed in SUMMARY.md"
        else:
            why = "is not in this import"
        self.report.warning(self.path, line, f"link to {url!r}: the page {why}; kept as written", "link-outside", url)
        return url

    def _anchor(self, page: Page, fragment: str, line: int, link_path: str) -> str:
        """The MkDocs id for a GitBook anchor into `page`; `link_path` is the rewritten link before '#'."""
        if page.src not in self.headings:
            return fragment  # that page failed to parse (an error already says so)
        found = match_anchor(fragment, self.headings[page.src])
        if found is None:
            where = "this page" if page is self.page else repr(page.src)
            self.report.warning(
                self.path, line, f"anchor #{fragment} not found in {where}; kept as written", "anchor",
                f"{link_path}#{fragment}",
            )
            return fragment
        return found

    def _markdown_link(self, m: re.Match[str], text: str, line: int) -> str:
        label = text[m.start("text") : m.end("text")]
        dest = m["dest"][1:-1] if m["dest"].startswith("<") else m["dest"]
        title = m["title"] or ""
        if m["bang"]:
            new = self._image_dest(dest, label, line)
            if new is None:
                return f"[{label or dest}]({dest}{title})"
            return f"![{label}]({new}{title})"
        if dest == "broken-reference":
            self.report.warning(
                self.path, line, f"GitBook marked the link {label!r} as broken; kept its text", "broken-link", dest
            )
            return self.prose(label, line)
        return f"[{self.prose(label, line)}]({self.link(dest, line)}{title})"

    def _image_dest(self, src: str, alt: str, line: int) -> str | None:
        """The new image path; None for a remote image (it becomes a link instead)."""
        if src.startswith("data:"):
            return src
        if is_external(src):
            self.report.warning(
                self.path, line, f"remote image {src!r} would load from a third-party host: made it a link "
                "(download it into the space to keep it as an image)", "remote-image", src
            )
            return None
        return self.asset(src, line)

    def _img_tag(self, attrs: dict[str, str], line: int) -> str | None:
        src = attrs.get("src")
        if not src:
            return None
        alt = attrs.get("alt", "")
        new = self._image_dest(src, alt, line)
        if new is None:
            return f"[{_alt(alt) or src}]({src})"
        sizes = " ".join(f'{k}="{attrs[k]}"' for k in ("width", "height") if attrs.get(k))
        return f"![{_alt(alt)}]({new})" + (f"{{ {sizes} }}" if sizes else "")

    def _figure(self, inner: str, whole: str, line: int) -> str:
        img = _IMG_IN_FIGURE.search(inner)
        if img is None:
            return whole  # a figure without an image (GitBook does not write these): leave it
        image = self._img_tag(_attrs(img[1]), line + inner.count("\n", 0, img.start())) or img.group()
        caption_match = _FIGCAPTION.search(inner)
        caption = caption_match[1].strip() if caption_match else ""
        caption = re.sub(r"^<p>(.*)</p>$", r"\1", caption, flags=re.S).strip()
        lines = ['<figure markdown="span">', f"  {image}"]
        if caption:
            lines.append(f"  <figcaption>{self.prose(caption, line)}</figcaption>")
        lines.append("</figure>")
        return "\n".join(lines)
