"""The pages themselves: both languages have every page, and each ko/en pair matches in structure.

A pair must have the same heading anchors, the same macro calls in the same order and the same link
targets; Korean headings carry explicit English anchors; no GitBook syntax is left; every page has
real prose besides its generated blocks.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

DOCS = ROOT / "docs"
HEADING = re.compile(r"^(#{2,6})\s+(.*?)\s*$")
ANCHOR = re.compile(r"\{\s*#([A-Za-z0-9_-]+)[^}]*\}\s*$")
MACRO = re.compile(r"\{\{\s*([a-z_]+)\((.*?)\)\s*(?:\|[^}]*)?\}\}", re.S)
LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,}).*?^\1\2\s*$", re.S | re.M)
GITBOOK = re.compile(r"\{%\s*(hint|endhint|tabs|tab|endtab|endtabs|embed|content-ref|code)\b")


def _pages(lang: str) -> set[Path]:
    return {p.relative_to(DOCS / lang) for p in (DOCS / lang).rglob("*.md") if p.name != "STYLE.md"}


def _without_code(text: str) -> str:
    return FENCE.sub("", text)


def _headings(text: str) -> list[tuple[str, str | None]]:
    found = []
    for line in _without_code(text).splitlines():
        match = HEADING.match(line)
        if match:
            anchor = ANCHOR.search(match.group(2))
            found.append((match.group(1), anchor.group(1) if anchor else None))
    return found


def _macro_calls(text: str) -> list[str]:
    return [name + "(" + " ".join(args.split()) + ")" for name, args in MACRO.findall(text)]


def _links(text: str) -> list[str]:
    return LINK.findall(_without_code(text))


def _prose(text: str) -> str:
    text = _without_code(text)
    text = MACRO.sub("", text)
    text = re.sub(r"\{%.*?%\}", "", text)
    return re.sub(r"\s+", " ", text)


PAIRS = sorted(_pages("ko") | _pages("en"))


def test_every_page_exists_in_both_languages() -> None:
    assert _pages("ko") == _pages("en")
    assert len(_pages("ko")) >= 27


@pytest.mark.parametrize("page", PAIRS, ids=str)
def test_pair_has_same_structure(page: Path) -> None:
    ko = (DOCS / "ko" / page).read_text(encoding="utf-8")
    en = (DOCS / "en" / page).read_text(encoding="utf-8")
    assert _headings(ko) == _headings(en), "headings (level, anchor) differ between ko and en"
    assert _macro_calls(ko) == _macro_calls(en), "macro calls differ between ko and en"
    assert _links(ko) == _links(en), "link targets differ between ko and en"


@pytest.mark.parametrize("page", PAIRS, ids=str)
def test_korean_headings_carry_english_anchors(page: Path) -> None:
    for level, anchor in _headings((DOCS / "ko" / page).read_text(encoding="utf-8")):
        assert anchor is not None, f"a {level} heading without an explicit {{ #anchor }}"
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", anchor), f"anchor {anchor!r} is not a lowercase English id"


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("page", PAIRS, ids=str)
def test_no_gitbook_syntax_and_real_prose(page: Path, lang: str) -> None:
    text = (DOCS / lang / page).read_text(encoding="utf-8")
    assert not GITBOOK.search(text), f"GitBook syntax left: {GITBOOK.search(text).group(0)}"
    prose = _prose(text)
    # Korean packs more meaning per character than English.
    assert len(prose) >= (1000 if lang == "ko" else 1600), f"only {len(prose)} characters of prose"
