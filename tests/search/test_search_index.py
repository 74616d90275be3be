"""The per-language search indexes of the real build: what they hold, Korean word parts, and the
query set ranked exactly like the search box (docs_search.ranking; the browser agrees, see
test_search_browser.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from docs_search import segment
from docs_search.ranking import SiteSearch
from tests.search.queries import EN, KO

HIT_RATE = 0.9


def _index(site: Path, lang: str) -> dict:
    prefix = "" if lang == "ko" else "en/"
    return json.loads((site / prefix / "search" / "search_index.json").read_text(encoding="utf-8"))


def _pages(site: Path, lang: str) -> set[str]:
    """Site-relative URLs of the language's pages (as the index writes them)."""
    root = site if lang == "ko" else site / "en"
    found = set()
    for html in root.rglob("index.html"):
        rel = html.parent.relative_to(site).as_posix()
        if "assets" in html.parts or (lang == "ko" and rel.split("/")[0] == "en"):
            continue
        found.add("" if rel == "." else f"{rel}/")
    return found


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_one_index_per_language_covering_its_pages(built_site: Path, lang: str) -> None:
    docs = _index(built_site, lang)["docs"]
    locations = [d["location"] for d in docs]
    if lang == "ko":
        assert not [loc for loc in locations if loc.startswith("en/")]
    else:
        assert all(loc.startswith("en/") for loc in locations)
    assert {loc for loc in locations if "#" not in loc} == _pages(built_site, lang)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_index_holds_prose_and_spec_terms_not_samples_or_console(built_site: Path, lang: str) -> None:
    docs = _index(built_site, lang)["docs"]
    text = "\n".join(d["title"] + " " + d["text"] for d in docs)
    for sample in ("curl -X", "import httpx", "console.log", "await fetch(", "bkc-"):
        assert sample not in text, sample
    # The console's labels and buttons on the sign-up page are not in that page's entries.
    page = "" if lang == "ko" else "en/"
    html = (built_site / page / "authentication" / "email-signup" / "index.html").read_text(encoding="utf-8")
    console = re.search(r"<form class=\"bkc\".*?</form>", html, re.S)
    assert console is not None
    texts = re.findall(r">([^<>]{6,})<", console.group())
    ui = {t.strip() for t in texts if " " in t.strip() and not t.strip().startswith("{")}  # labels, not field names
    page_text = "\n".join(d["text"] for d in docs if d["location"].startswith(f"{page}authentication/email-signup/"))
    assert ui and not [t for t in ui if t in page_text]
    signup = [d for d in docs if d.get("k") and "emailSignUp" in d["k"].split()]
    assert signup, "the section documenting emailSignUp carries its operation id"
    assert "/v1/auth/email/signup" in signup[0]["k"].split()
    assert "auth/email-already-exists" in text and "auth/token-expired" in text


def test_korean_words_carry_their_parts(built_site: Path) -> None:
    docs = {d["location"]: d for d in _index(built_site, "ko")["docs"]}
    assert "가입" in docs["authentication/email-signup/"]["tp"].split()  # 이메일 회원가입
    assert "설정" in docs["authentication/password/"]["tp"].split()  # 비밀번호 재설정·변경


def test_segmentation_splits_compounds_and_skips_what_a_prefix_finds() -> None:
    parts = segment.korean_parts("회원가입을 하려면 비밀번호를 재설정하세요. 토큰이 만료되면 갱신합니다.")
    assert {"가입", "번호", "설정"} <= set(parts)
    assert not {"회원", "토큰", "만료", "갱신"} & set(parts)  # prefixes of their words already match
    assert segment.korean_parts("only English text") == []


def test_segmentation_is_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "캐시 확인용 문장: 회원가입과 재설정"
    first = segment.korean_parts(text)

    def no_model():
        raise AssertionError("a cached text must not load Kiwi")

    monkeypatch.setattr(segment, "_analyzer", no_model)
    assert segment.korean_parts(text) == first


@pytest.mark.parametrize(("lang", "queries"), [("ko", KO), ("en", EN)])
def test_query_set_finds_the_page_in_the_top_three(
    built_site: Path, lang: str, queries: list[tuple[str, str]]
) -> None:
    assert len(queries) >= 25
    search = SiteSearch(_index(built_site, lang))
    misses = []
    for query, target in queries:
        pages = [p.location for p in search.pages(query)]
        if lang == "ko":
            assert not [p for p in pages if p.startswith("en/")], query
        if target not in pages[:3]:
            misses.append((query, target, pages[:3]))
    rate = 1 - len(misses) / len(queries)
    print(f"\n{lang}: {rate:.0%} of {len(queries)} queries in the top 3; misses: {misses}")
    assert rate >= HIT_RATE, misses
