"""Rewrite links, images and figures of one page for the new layout.

Targets are resolved from the repository root, as GitBook does (`..` stops at the root, a query
string on a local file is dropped):

- `[text](page.md#anchor)` to an imported page → the page's new path (README.md → index.md, spaces →
  `-`) and the id MkDocs gives that heading.
- To a file or page of the repository that is not imported (not in SUMMARY.md, another folder such as
  `examples/`) → its web address with `--repo-url`, otherwise the link text alone (`link-outside`).
- To nothing (a missing target, GitBook's `broken-reference` and `/broken/pages/…`) → the link text
  alone (`broken-link`).
- Images (`![alt](src)`, `<img>`, `<figure>`, `<picture>`) and links to local files → the file is
  copied to `media/`; a missing file leaves the alt text (`asset-missing`). `<figure>` (also inside a
  `<div>` wrapper) becomes Material's `<figure markdown="span">`; `<picture>` becomes a light and a
  dark image (`#only-light` / `#only-dark`).
- Emoji images (Atlassian/CDN emoji) become the emoji; other remote images become links
  (`remote-image`): the site loads nothing from other hosts.
- Raw-HTML tables keep their HTML: MkDocs does not rewrite HTML, so their `href`/`src` are written
  as the built site's URLs (directory URLs). GitBook card views become Material grid cards (cards.py).
Code spans are never touched.
"""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path

from markdown.util import BLOCK_LEVEL_ELEMENTS
from pymdownx import twemoji_db

from importer.anchors import Heading, match_anchor
from importer.assets import AssetStore
from importer.cards import CARD_TABLE, Card, parse_cards, render_cards
from importer.diagnostics import Report
from importer.mdscan import mask_code
from importer.openapi_ops import PLACEHOLDER, OurSpec
from importer.space import Language, Page, Repository, output_path, resolve_link

_LINK_TEXT = r"(?:[^\[\]]|\[(?:[^\[\]]|\[[^\[\]]*\])*\])*"
_DEST = r"<[^<>\n]*>|(?:[^\s()<]|\([^\s()]*\))+"
_TITLE = r"""\s+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\))"""
_PATTERN = re.compile(
    rf"""
    (?P<table><table\b(?P<table_attrs>[^>]*)>.*?</table>)
    | (?P<div><div\b[^>]*>\s*(?P<wrapped><figure\b.*?</figure>|<picture\b.*?</picture>|<img\b[^>]*>)\s*</div>)
    | (?P<figure><figure\b[^>]*>(?P<fig>.*?)</figure>)
    | (?P<picture><picture\b[^>]*>.*?</picture>)
    | (?P<img><img\b(?P<img_attrs>[^>]*?)/?>)
    | (?P<anchor><a\s+(?:id|name)="(?P<anchor_id>[^"]+)"\s*/?>\s*</a>)
    | (?P<html_link><a\b(?P<a_attrs>[^>]*\bhref=[^>]*)>(?P<a_text>.*?)</a>)
    | (?P<link>(?P<bang>!?)\[(?P<text>{_LINK_TEXT})\]\(\s*(?P<dest>{_DEST})(?P<title>{_TITLE})?\s*\))
    | (?P<ref>^[ ]{{0,3}}\[(?P<label>[^\]^\n][^\]\n]*)\]:[ \t]*(?P<refdest><[^>\n]*>|\S+))
    """,
    re.S | re.M | re.X | re.I,
)
_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""")
_IMG_TAG = re.compile(r"<img\b([^>]*?)/?>", re.I)
_PICTURE = re.compile(r"<picture\b.*?</picture>", re.S | re.I)
_SOURCE_TAG = re.compile(r"<source\b([^>]*?)/?>", re.I)
_FIGCAPTION = re.compile(r"<figcaption>(.*?)</figcaption>", re.S | re.I)
_HTML_URL_ATTR = re.compile(r"""(?P<name>\b(?:href|src))=(?P<q>["'])(?P<url>[^"']*)(?P=q)""", re.I)
_URL_UNSAFE = re.compile(r"""[\s()<>"#?%\[\]]""")
_EMOJI_HOST = re.compile(r"emoji", re.I)
_CODEPOINTS = re.compile(r"(?:[0-9a-f]{4,6})(?:-[0-9a-f]{4,6})*", re.I)
_BROKEN = ("broken-reference", "/broken/")
_BUTTON = re.compile(r"""class=["']button(?:\s+(primary|secondary))?["']""")
_BLOCK_START = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b")


def is_external(url: str) -> bool:
    return bool(re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", url)) or url.startswith("//")


def _quote(path: str) -> str:
    """Percent-encode what Markdown link syntax cannot carry; Korean and other letters stay readable."""
    return _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), path)


def _attrs(text: str) -> dict[str, str]:
    return {m[1].lower(): html.unescape(next(v for v in m.groups()[1:] if v is not None)) for m in _ATTR.finditer(text)}


def _alt(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("\n", " ")


def site_url(out: str) -> str:
    """The URL (directory URLs, relative to the language root) MkDocs gives the output file `out`."""
    if not out.endswith(".md"):
        return out
    stem = out[: -len(".md")]
    if posixpath.basename(stem) == "index":
        stem = posixpath.dirname(stem)
    return f"{stem}/" if stem else ""


def _is_broken(url: str) -> bool:
    return url == _BROKEN[0] or url.startswith(_BROKEN[1])


class PageRewriter:
    """The Rewriter (see render.py) of one page of one language."""

    def __init__(
        self,
        lang: Language,
        page: Page,
        repo: Repository,
        assets: AssetStore,
        headings: dict[str, list[Heading]],
        report: Report,
        our_spec: OurSpec | None = None,
    ):
        self.our_spec = our_spec
        self.lang, self.page, self.repo = lang, page, repo
        self.assets, self.headings, self.report = assets, headings, report
        self.path = lang.root / page.src  # for diagnostics
        self.dir = posixpath.dirname(page.src)  # the page's folder in the language folder

    # -- Rewriter protocol ---------------------------------------------------------------------------

    def prose(self, text: str, line: int) -> str:
        masked = mask_code(text)
        out: list[str] = []
        pos = 0
        for m in _PATTERN.finditer(masked):
            out.append(text[pos : m.start()])
            at = line + text.count("\n", 0, m.start())
            out.append(self._replace(m, text, at))
            pos = m.end()
        out.append(text[pos:])
        return "".join(out)

    def _replace(self, m: re.Match[str], text: str, at: int) -> str:
        """`m` matched the masked text; what it covers is read from `text`."""

        def group(name: str) -> str:
            return text[m.start(name) : m.end(name)]

        whole = group(0)  # type: ignore[arg-type]
        if m["table"]:
            if CARD_TABLE.search(group("table_attrs")):
                return self._cards(whole, at)
            return self.html(whole, at)
        if m["div"]:
            return self.prose(group("wrapped"), at)  # the wrapping <div> would keep Markdown from being read
        if m["figure"]:
            return self._figure(whole, at)
        if m["picture"]:
            return self._picture(whole, at) or whole
        if m["img"]:
            if _in_html_block(text, m.start()):  # Markdown is not read there: keep HTML, with the site's URL
                return self.html(whole, at)
            return self._img_tag(_attrs(group("img_attrs")), at) or whole
        if m["anchor"]:
            return f'<a id="{group("anchor_id")}"></a>'  # `name=` is not an id MkDocs (or HTML5) knows
        if m["html_link"]:
            return self.html(whole, at)
        if m["link"]:
            return self._markdown_link(m, text, at)
        dest = m["refdest"]
        new = self.link(dest[1:-1] if dest.startswith("<") else dest, at)
        # A definition cannot fall back to its text: an unresolved one points nowhere (it was reported).
        return text[m.start() : m.start("refdest")] + (new or "#")

    def link(self, url: str, line: int) -> str | None:
        """The new destination of a link; None when only its text should remain (already warned)."""
        if is_external(url):
            return url
        if _is_broken(url):
            self.report.warning(self.path, line, f"GitBook marked the link {url!r} as broken: kept its text", "broken-link", url)
            return None
        path, _, fragment = url.partition("#")
        path = path.split("?", 1)[0]
        if not path:
            if not fragment:
                return url
            anchor = self._anchor(self.page, fragment, line, "")
            return f"#{anchor}" if anchor else None
        target = self._resolve(path)
        page = self._page_at(target)
        if page is None:
            return self._not_a_page(url, target, line)
        new = _quote(posixpath.relpath(page.out, posixpath.dirname(self.page.out) or "."))
        anchor = self._anchor(page, fragment, line, new) if fragment else ""
        return f"{new}#{anchor}" if anchor else new

    def asset(self, url: str, line: int) -> str | None:
        """Copy a local file into media/ and return the link to it; None (warned) when it is missing."""
        if is_external(url):
            return url
        path, hash_, fragment = url.partition("#")
        source = self._existing_file(path)
        if source is None:
            self.report.warning(self.path, line, f"missing file {url!r}: kept its text", "asset-missing", url)
            return None
        rel = self.assets.add(source)
        return _quote(posixpath.relpath(rel, posixpath.dirname(self.page.out) or ".")) + hash_ + fragment

    def page_title(self, url: str) -> str | None:
        if is_external(url) or _is_broken(url):
            return None
        page = self._page_at(self._resolve(url.partition("#")[0].split("?", 1)[0]))
        return page.title if page else None

    def operation(self, attrs: dict[str, str], line: int) -> str | None:
        if self.our_spec is None or not self.our_spec.names_it(attrs):
            return None
        method, path = attrs.get("method", ""), attrs.get("path", "")
        operation_id = self.our_spec.operation_id(method, path)
        if operation_id is None:
            self.report.warning(
                self.path, line, f"{method.upper()} {path} is not an operation of {self.our_spec.spec.name}: "
                "made it a link", "openapi",
            )
            return None
        return PLACEHOLDER.format(operation_id)

    def html(self, fragment: str, line: int) -> str:
        """Raw HTML: its `href`/`src` become the built site's URLs, which MkDocs would not rewrite."""

        def one(m: re.Match[str]) -> str:
            url = html.unescape(m["url"])
            at = line + fragment.count("\n", 0, m.start())
            if not url or url.startswith(("#", "data:")) or is_external(url):
                return m.group()
            is_src = m["name"].lower() == "src"
            new = self.asset(url, at) if is_src else self.link(url, at)
            if new is None or is_external(new):
                return f'{m["name"]}="{html.escape(new or "#", quote=True)}"'
            return f'{m["name"]}="{html.escape(self._as_site_url(new), quote=True)}"'

        return _HTML_URL_ATTR.sub(one, _BUTTON.sub(_material_button, fragment))

    # -- helpers -------------------------------------------------------------------------------------

    def _as_site_url(self, rel: str) -> str:
        """A link relative to this page's file → the same target relative to this page's URL."""
        path, hash_, fragment = rel.partition("#")
        if not path:
            return rel
        here = posixpath.dirname(self.page.out)
        target_file = posixpath.normpath(posixpath.join(here, path))
        base = site_url(self.page.out) or "."
        new = posixpath.relpath(site_url(target_file) or ".", base)
        if target_file.endswith(".md") and not new.endswith("/"):
            new += "/"  # a page's URL is a folder
        return new + hash_ + fragment

    def _resolve(self, link: str) -> str:
        return resolve_link(self.repo, self.lang, self.dir, link)

    def _lang_relative(self, target: str) -> str | None:
        prefix = self.lang.prefix
        if target == prefix.rstrip("/"):
            return ""
        return target[len(prefix) :] if target.startswith(prefix) else None

    def _page_at(self, target: str) -> Page | None:
        rel = self._lang_relative(target)
        if rel is None:
            return None
        if rel in self.lang.pages:
            return self.lang.pages[rel]
        # A folder: its readme, or whatever page became its index (the home page of a space without one).
        index = posixpath.join(output_path(rel), "index.md") if rel else "index.md"
        return next((page for page in self.lang.pages.values() if page.out == index), None)

    def _existing_file(self, path: str) -> Path | None:
        if not path:
            return None
        candidate = self.repo.path_of(self._resolve(path.split("?", 1)[0]))
        return candidate if candidate.is_file() else None

    def _not_a_page(self, url: str, target: str, line: int) -> str | None:
        source = self.repo.path_of(target)
        if source.is_file() and not target.lower().endswith(".md"):
            return self.asset(url.partition("#")[0], line)  # a download
        if source.exists():
            web = self.repo.web_url(target)
            if web is not None:
                return web
            self.report.warning(
                self.path, line, f"link to {url!r}: {target!r} is not part of this import: kept its text "
                "(give --repo-url to link it on the web)", "link-outside", url,
            )
            return None
        self.report.warning(self.path, line, f"link to {url!r}: no such page or file: kept its text", "broken-link", url)
        return None

    def _anchor(self, page: Page, fragment: str, line: int, link_path: str) -> str:
        """The MkDocs id for a GitBook anchor into `page`; `link_path` is the rewritten link before '#'."""
        if page.src not in self.headings:
            return fragment  # that page failed to parse (an error already says so)
        found = match_anchor(fragment, self.headings[page.src])
        if found is None:
            where = "this page" if page is self.page else repr(page.src)
            self.report.warning(
                self.path, line, f"anchor #{fragment} not found in {where}: linked to the page", "anchor",
                f"{link_path}#{fragment}",
            )
            return ""
        return found

    def _markdown_link(self, m: re.Match[str], text: str, line: int) -> str:
        label = text[m.start("text") : m.end("text")]
        dest = m["dest"][1:-1] if m["dest"].startswith("<") else m["dest"]
        title = m["title"] or ""
        if m["bang"]:
            return self._image(dest, label, line, title)
        new = self.link(dest, line)
        if new is None:
            return self.prose(label, line)
        return f"[{self.prose(label, line)}]({new}{title})"

    def _image(self, src: str, alt: str, line: int, title: str = "", attrs: str = "") -> str:
        """A Markdown image of `src`, or what stands in for it (an emoji, a link, the alt text)."""
        if src.startswith("data:"):
            return f"![{alt}]({src}{title})"
        if is_external(src):
            emoji = _emoji(src, alt)
            if emoji is not None:
                return emoji
            self.report.warning(
                self.path, line, f"remote image {src!r} would load from a third-party host: made it a link "
                "(download it into the repository to keep it as an image)", "remote-image", src
            )
            return f"[{alt or src}]({src})"
        new = self.asset(src, line)
        if new is None:
            return alt
        return f"![{alt}]({new}{title})" + attrs

    def _img_tag(self, attrs: dict[str, str], line: int, suffix: str = "") -> str | None:
        src = attrs.get("src")
        if not src:
            return None
        sizes = " ".join(f'{k}="{attrs[k]}"' for k in ("width", "height") if attrs.get(k))
        if suffix and not is_external(src):
            src += suffix
        return self._image(src, _alt(attrs.get("alt", "")), line, attrs=f"{{ {sizes} }}" if sizes else "")

    def _picture(self, whole: str, line: int) -> str | None:
        """`<picture>` with a dark `<source>`: a light and a dark image, Material shows the one that fits."""
        img = _IMG_TAG.search(whole)
        if img is None:
            return None
        attrs = _attrs(img[1])
        dark = next(
            (a for a in map(_attrs, _SOURCE_TAG.findall(whole)) if "dark" in a.get("media", "") and a.get("srcset")),
            None,
        )
        if dark is None:
            return self._img_tag(attrs, line)
        light = self._img_tag(attrs, line, "#only-light")
        dark_attrs = {**attrs, "src": dark["srcset"].split()[0]}
        return f"{light}{self._img_tag(dark_attrs, line, '#only-dark')}"

    def _figure(self, whole: str, line: int) -> str:
        picture = _PICTURE.search(whole)
        img = _IMG_TAG.search(whole)
        if picture is not None:
            image = self._picture(picture.group(), line)
        elif img is not None:
            image = self._img_tag(_attrs(img[1]), line + whole.count("\n", 0, img.start()))
        else:
            return whole  # a figure without an image (GitBook does not write these): leave it
        caption_match = _FIGCAPTION.search(whole)
        caption = caption_match[1].strip() if caption_match else ""
        caption = re.sub(r"^<p>(.*)</p>$", r"\1", caption, flags=re.S).strip()
        lines = ['<figure markdown="span">', f"  {image}"]
        if caption:
            lines.append(f"  <figcaption>{self.prose(caption, line)}</figcaption>")
        lines.append("</figure>")
        return "\n".join(lines)

    def _cards(self, whole: str, line: int) -> str:
        cards: list[Card] = []
        for card in parse_cards(whole):
            target = self.link(card.target, line) if card.target else None
            cover = self._image(card.cover, "", line) if card.cover else None
            cards.append(Card(self.prose(card.title, line), self.prose(card.body, line), target or None, cover))
        return render_cards(cards)


def _material_button(m: re.Match[str]) -> str:
    """GitBook's buttons (`<a class="button primary">`) as Material's."""
    return 'class="md-button md-button--primary"' if m[1] == "primary" else 'class="md-button"'


def _in_html_block(text: str, pos: int) -> bool:
    """Whether `pos` is in a raw HTML block: a paragraph that starts with a block-level tag
    (`<p align="center"><img …></p>`), which Python-Markdown passes through unread."""
    start = text.rfind("\n\n", 0, pos)
    first_line = text[start + 2 if start >= 0 else 0 :].lstrip("\n").split("\n", 1)[0].strip()
    tag = _BLOCK_START.match(first_line)
    return tag is not None and tag[1].lower() in BLOCK_LEVEL_ELEMENTS and "markdown" not in first_line


def _emoji(src: str, alt: str) -> str | None:
    """An emoji image (Atlassian or CDN emoji) as the emoji character: from the code points in its file
    name or its `:shortcode:` alt (the text itself when the shortcode is unknown); None when `src` is
    not an emoji image. A character, not a shortcode: the emoji extension would load an image."""
    if not _EMOJI_HOST.search(src):
        return None
    stem = posixpath.splitext(posixpath.basename(src.split("?", 1)[0]))[0]
    if _CODEPOINTS.fullmatch(stem):
        return _characters(stem)
    shortcode = alt.strip()
    known = twemoji_db.emoji.get(twemoji_db.aliases.get(shortcode, shortcode))
    if known is not None:
        return _characters(known["unicode"])
    return shortcode.strip(":") or None


def _characters(codepoints: str) -> str:
    return "".join(chr(int(cp, 16)) for cp in codepoints.split("-"))
