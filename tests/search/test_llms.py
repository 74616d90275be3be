"""The docs for AI tools: llms.txt per language, Markdown twins of every page, llms-full.txt."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

LINK = re.compile(r"^- \[(?P<title>[^\]]+)\]\((?P<url>[^)]+)\)", re.MULTILINE)
FENCE = re.compile(r"^\s*(```|~~~).*?^\s*\1", re.MULTILINE | re.DOTALL)


def _site_url(site: Path) -> str:
    return re.search(r"^- \[[^\]]+\]\((https?://[^/]+/)", (site / "llms.txt").read_text(encoding="utf-8"), re.M).group(1)


def _listed(site: Path, lang: str) -> list[Path]:
    prefix = "" if lang == "ko" else "en/"
    text = (site / prefix / "llms.txt").read_text(encoding="utf-8")
    base = _site_url(site)
    urls = [m["url"] for m in LINK.finditer(text)]
    assert all(u.startswith(base + prefix) for u in urls), urls
    return [site / u.removeprefix(base) for u in urls]


def _page_twins(site: Path, lang: str) -> set[Path]:
    """Where each built page's twin must be: beside its folder, or index.md for a section index."""
    root = site if lang == "ko" else site / "en"
    twins = set()
    for html in root.rglob("index.html"):
        rel = html.parent.relative_to(site)
        if "assets" in html.parts or (lang == "ko" and rel.parts[:1] == ("en",)):
            continue
        beside = html.parent.with_suffix(".md")
        twins.add(beside if beside.is_file() else html.parent / "index.md")
    return twins


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_llms_txt_lists_every_page_of_its_language(built_site: Path, lang: str) -> None:
    listed = _listed(built_site, lang)
    assert len(listed) == len(set(listed))
    assert set(listed) == _page_twins(built_site, lang)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_listed_twin_exists_with_macros_rendered(built_site: Path, lang: str) -> None:
    for twin in _listed(built_site, lang):
        assert twin.is_file(), twin
        markdown = twin.read_text(encoding="utf-8")
        assert markdown.startswith("# "), twin
        # Code may hold braces of its own (JSX `style={{ … }}`); outside code nothing is left of Jinja.
        prose = FENCE.sub("", markdown)
        assert "{{" not in prose and "{%" not in prose, twin
        assert not re.search(r"\{\{-?\s*\w+\(|\{%-?\s*(raw|endraw|if|for|set)\b", markdown), twin
        for material_only in ("<form", "===", "!!! ", "--8<--", "<!--bk-gen"):
            assert material_only not in prose, (twin, material_only)


@pytest.mark.parametrize(
    ("twin", "words"),
    [
        ("authentication/email-signup.md", ["# 이메일 회원가입", "POST `/v1/auth/email/signup`", "| `password` |", "**cURL**"]),
        ("en/authentication/email-signup.md", ["# Email sign-up", "POST `/v1/auth/email/signup`", "| `password` |", "**Python**"]),
        ("en/getting-started/app-integration.md", ["export function memoryTokenStorage()"]),  # a --8<-- snippet
    ],
)
def test_twin_has_the_spec_tables_and_samples_as_markdown(built_site: Path, twin: str, words: list[str]) -> None:
    markdown = (built_site / twin).read_text(encoding="utf-8")
    for word in words:
        assert word in markdown, word
    assert "{ #" not in markdown


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_llms_full_txt_holds_every_twin(built_site: Path, lang: str) -> None:
    prefix = "" if lang == "ko" else "en/"
    full = (built_site / prefix / "llms-full.txt").read_text(encoding="utf-8")
    for twin in _listed(built_site, lang):
        assert twin.read_text(encoding="utf-8").strip() in full, twin
