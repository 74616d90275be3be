"""Find what to import in a GitBook repository and read each language's SUMMARY.md.

The repository is read the way GitBook reads it: `.gitbook.yaml` names the content root (`root:`)
and the file names of the readme and the summary (`structure:`). Under the content root there is
either one space (a `SUMMARY.md`), or language folders, each with its own `SUMMARY.md`; language
folders win over a root `SUMMARY.md` (which is then ignored, with a note). Links and assets are
resolved from the repository root, as GitBook does, so a page may use `../../.gitbook/assets/x.png`
or link to `../../examples/app/README.md`.

Only pages listed in SUMMARY.md are imported, as GitBook only publishes those. The output layout keeps
GitBook's paths except: `README.md` becomes `index.md` (MkDocs' section index), runs of whitespace in
file and folder names become `-`, and a language without a root README gets its first page as
`index.md` (GitBook opens a space on its first page).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import yaml

from importer.diagnostics import Report
from importer.languages import material_language

SUMMARY = "SUMMARY.md"
README = "README.md"
GITBOOK_YAML = ".gitbook.yaml"
_LANG_CODE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
_DEST = r"<[^>]*>|[^)\s]*(?:\([^)\s]*\)[^)\s]*)*"
_ITEM = re.compile(
    rf"""^(?P<indent>\s*)[*+-]\s+\[(?P<title>(?:[^\[\]\\]|\\.|\[[^\]]*\])*)\]\((?P<url>{_DEST})(?:\s+"(?P<sidebar>[^"]*)")?\)\s*$"""
)
_LABEL = re.compile(r"^(?P<indent>\s*)[*+-]\s+(?P<title>[^\s`\[].*?)\s*$")
_FENCED_ITEM = re.compile(r"^\s*(?:[*+-]\s+)?(?P<fence>`{3,}|~{3,})")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.*?)\s*#*\s*$")
_SEPARATOR = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|<!--.*-->)\s*$")
_HTML_TAG = re.compile(r"<[^>]+>")


class UsageError(Exception):
    """The command line or the shape of SRC/OUT is wrong; nothing was read or written."""


@dataclass
class Page:
    src: str  # posix path relative to the language folder, as in SUMMARY.md
    out: str  # posix path relative to OUT/<lang>
    title: str  # the title SUMMARY.md gives it


@dataclass
class NavItem:
    title: str
    page: Page | None = None
    url: str | None = None  # an external link in SUMMARY.md (or a repository file, with --repo-url)
    children: list[NavItem] = field(default_factory=list)


@dataclass
class Repository:
    """The repository as GitBook sees it."""

    root: Path  # SRC: links and assets resolve from here, and `..` stops here
    content: str  # `root:` of .gitbook.yaml, posix, relative to `root` ("" for the repository root)
    readme: str = README
    summary: str = SUMMARY
    url: str | None = None  # --repo-url: the web address of `root`, for links to files not imported

    def path_of(self, repo_path: str) -> Path:
        return self.root / repo_path

    def web_url(self, repo_path: str) -> str | None:
        return f"{self.url.rstrip('/')}/{repo_path}" if self.url else None


@dataclass
class Language:
    code: str  # the output language (OUT/<code>/)
    root: Path  # the folder holding SUMMARY.md
    prefix: str = ""  # that folder, relative to the repository root (posix, "" or "ko/")
    nav: list[NavItem] = field(default_factory=list)
    pages: dict[str, Page] = field(default_factory=dict)  # by src, in SUMMARY order


def parse_lang_map(text: str) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        folder, sep, code = part.partition("=")
        if not sep or not folder.strip() or not code.strip():
            raise UsageError(f"--lang-map: expected FOLDER=LANG, got {part!r}")
        mapping[folder.strip()] = code.strip()
    if not mapping:
        raise UsageError("--lang-map is empty")
    return mapping


def read_repository(src: Path, repo_url: str | None, report: Report) -> Repository:
    """SRC and its `.gitbook.yaml` (optional)."""
    if not src.is_dir():
        raise UsageError(f"{src}: not a folder")
    repo = Repository(src, "", url=repo_url)
    config_path = src / GITBOOK_YAML
    if not config_path.is_file():
        return repo
    try:
        config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        report.warning(config_path, mark.line + 1 if mark else 1, f"not valid YAML, ignored: {exc}", "gitbook-yaml")
        return repo
    if not isinstance(config, dict):
        report.warning(config_path, 1, "not a YAML mapping, ignored", "gitbook-yaml")
        return repo
    content = _clamp(str(config.get("root") or "."))
    if content and not (src / content).is_dir():
        raise UsageError(f"{config_path}: root {config.get('root')!r} is not a folder")
    structure = config.get("structure")
    if not isinstance(structure, dict):
        structure = {}
    repo.content = content
    repo.readme = str(structure.get("readme") or README)
    repo.summary = str(structure.get("summary") or SUMMARY)
    return repo


def discover(repo: Repository, lang_map: dict[str, str] | None, default_lang: str, report: Report) -> list[Language]:
    """The languages to import, in a stable order. Raises UsageError when SRC is not a space."""
    content = repo.path_of(repo.content)
    summary = repo.summary
    root_summary = content / summary
    folders = sorted(p for p in content.iterdir() if p.is_dir() and (p / summary).is_file())
    spaces = [p.name for p in folders if material_language(p.name) is None]
    if lang_map is None and root_summary.is_file() and (not folders or spaces):
        return [Language(_check_code(default_lang), content, _prefix(repo.content))]
    if not folders and not lang_map:
        raise UsageError(f"{content}: no {summary}, and no language folders with one")
    if lang_map is None and spaces:
        raise UsageError(
            f"{content}: {', '.join(spaces)} hold their own {summary} but are not language folders: import "
            f"one space at a time (SRC={content / spaces[0]}), or name the languages with --lang-map"
        )
    if root_summary.is_file():
        report.note(root_summary, None, f"ignored: the language folders' own {summary} files are imported instead")
    if lang_map is None:
        lang_map = {p.name: p.name for p in folders}
    for folder in folders:
        if folder.name not in lang_map:
            report.warning(folder / summary, 1, f"language folder {folder.name!r} is not in --lang-map: skipped", "skipped")
    languages = []
    for folder_name, code in lang_map.items():
        folder = content / folder_name
        if not (folder / summary).is_file():
            raise UsageError(f"{folder}: --lang-map names it, but it has no {summary}")
        languages.append(Language(_check_code(code, folder_name), folder, _prefix(posixpath.join(repo.content, folder_name))))
    codes = [lang.code for lang in languages]
    if len(set(codes)) != len(codes):
        raise UsageError(f"two source folders map to the same language: {', '.join(codes)}")
    return languages


def _prefix(path: str) -> str:
    path = _clamp(path)
    return f"{path}/" if path else ""


def _clamp(path: str) -> str:
    """A repository path without `.`, empty parts and `..` above the root (GitBook stops there)."""
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/".join(parts)


def repo_path(base_dir: str, link: str, content: str) -> str:
    """The repository path a link written in a file of `base_dir` points to (a leading `/` starts at
    the content root)."""
    link = unquote(link)
    base = content if link.startswith("/") else base_dir
    return _clamp(posixpath.join(base, link.lstrip("/")))


def resolve_link(repo: Repository, lang: Language, dir_in_lang: str, link: str) -> str:
    """The repository path of a local link written in a file of the language folder's `dir_in_lang`.

    GitBook resolves it inside the space first (`..` stops at the language folder, `/` is its root);
    what is not there is looked up from the repository root (`..` stops there): a language folder's
    pages reach the repository's `.gitbook/assets/` and `examples/` that way.
    """
    in_space = lang.prefix + repo_path(dir_in_lang, link, "")
    if repo.path_of(in_space).exists():
        return in_space
    return repo_path(_clamp(lang.prefix + dir_in_lang), link, repo.content)


def _check_code(code: str, folder: str | None = None) -> str:
    if not _LANG_CODE.fullmatch(code):
        origin = f" (folder {folder!r}; map it with --lang-map {folder}=ko)" if folder else ""
        raise UsageError(f"{code!r} is not a language code{origin}")
    return code


def output_path(src: str) -> str:
    parts = [re.sub(r"\s+", "-", part.strip()) for part in src.split("/")]
    if parts[-1].lower() == "readme.md":
        parts[-1] = "index.md"
    return "/".join(parts)


def clean_title(title: str) -> str:
    """A SUMMARY title as plain text: GitBook's `<a id>` anchors and other HTML dropped, escapes undone."""
    text = _HTML_TAG.sub("", title)
    return re.sub(r"\\(.)", r"\1", text).strip()


def read_summary(lang: Language, repo: Repository, report: Report) -> None:
    """Fill `lang.nav` and `lang.pages` from SUMMARY.md. What GitBook itself survives (missing pages,
    labels without a link, OpenAPI blocks) is a warning; the entry is skipped and the rest goes on."""
    path = lang.root / repo.summary
    stack: list[tuple[int, list[NavItem]]] = [(-1, lang.nav)]
    outputs: dict[str, str] = {}
    seen_title = False
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    fence_end: str | None = None
    for lineno, line in enumerate(lines, 1):
        if fence_end is not None:  # inside a fenced block of SUMMARY.md (GitBook's OpenAPI references)
            if line.strip().startswith(fence_end):
                fence_end = None
            continue
        if not line.strip() or _SEPARATOR.match(line):
            continue
        fenced = _FENCED_ITEM.match(line)
        if fenced:
            fence_end = fenced["fence"]
            report.warning(path, lineno, "a GitBook block (an OpenAPI reference) in SUMMARY.md has no page: skipped", "summary")
            continue
        heading = _HEADING.match(line)
        if heading:
            if not seen_title and len(heading["hashes"]) == 1 and not lang.nav:
                seen_title = True  # "# Table of contents"
                continue
            group = NavItem(clean_title(heading["title"]))
            lang.nav.append(group)
            stack = [(-1, lang.nav), (-1, group.children)]
            continue
        item = _ITEM.match(line) or _LABEL.match(line)
        if not item:
            report.warning(path, lineno, f"not a SUMMARY.md entry, skipped: {line.strip()!r}", "summary")
            continue
        indent = len(item["indent"].expandtabs(4))
        while len(stack) > 1 and stack[-1][0] >= indent:
            stack.pop()
        title = clean_title(item.groupdict().get("sidebar") or item["title"])
        if "url" in item.groupdict():
            entry = _summary_entry(lang, repo, title, item["url"], path, lineno, outputs, report)
        else:
            entry = NavItem(title)  # a label: GitBook shows it as a section title
        stack[-1][1].append(entry)
        stack.append((indent, entry.children))
    _give_a_home_page(lang, repo.readme, outputs)


def _summary_entry(
    lang: Language, repo: Repository, title: str, url: str, path: Path, lineno: int, outputs: dict[str, str],
    report: Report,
) -> NavItem:
    url = url[1:-1] if url.startswith("<") else url
    if "://" in url or url.startswith("mailto:"):
        return NavItem(title, url=url)
    target = resolve_link(repo, lang, "", url.split("#", 1)[0].split("?", 1)[0])
    if not target.startswith(lang.prefix) or not target.endswith(".md"):
        web = repo.web_url(target) if repo.path_of(target).exists() else None
        if web:
            return NavItem(title, url=web)
        why = "is outside the language folder" if target.endswith(".md") else "is not a .md page"
        report.warning(
            path, lineno, f"{url!r} {why}: left out of the nav (give --repo-url to link it on the web)", "summary"
        )
        return NavItem(title)
    src = target[len(lang.prefix) :]
    if not (lang.root / src).is_file():
        report.warning(path, lineno, f"page {src!r} listed in SUMMARY.md does not exist: skipped", "summary")
        return NavItem(title)
    if src in lang.pages:
        return NavItem(title, page=lang.pages[src])
    out = output_path(src)
    if out in outputs:
        report.error(path, lineno, f"{src!r} and {outputs[out]!r} would both be written to {out!r}", "summary")
        return NavItem(title)
    outputs[out] = src
    page = Page(src, out, title)
    lang.pages[src] = page
    return NavItem(title, page=page)


def _give_a_home_page(lang: Language, readme: str, outputs: dict[str, str]) -> None:
    """The space's readme (`structure.readme`) is its home page; without one, the first page is."""
    if "index.md" in outputs or not lang.pages:
        return
    first = lang.pages.get(readme) or next(iter(lang.pages.values()))
    del outputs[first.out]
    first.out = "index.md"
    outputs["index.md"] = first.src
