"""`make serve` (a dirty rebuild of only the edited page) keeps the index and llms.txt whole."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.site.serving import make_serve, served


def _pages(url: str) -> set[str]:
    return {d["location"] for d in httpx.get(url, timeout=30).json()["docs"] if "#" not in d["location"]}


@pytest.mark.slow
def test_page_edit_under_serve_keeps_every_page_searchable(tmp_path: Path) -> None:
    with make_serve(tmp_path) as serve:
        base = serve.docs
        ko, en = _pages(f"{base}/search/search_index.json"), _pages(f"{base}/en/search/search_index.json")
        listed = httpx.get(f"{base}/llms.txt", timeout=30).text.count("\n- [")
        assert len(ko) == len(en) == listed >= 27

        page = serve.project / "docs" / "ko" / "authentication" / "mfa.md"
        page.write_text(page.read_text(encoding="utf-8") + "\n\n라이브 검색 확인용 문단입니다.\n", encoding="utf-8")
        assert served(f"{base}/search/search_index.json", "라이브 검색 확인용 문단입니다."), serve.log.read_text()

        assert _pages(f"{base}/search/search_index.json") == ko
        assert _pages(f"{base}/en/search/search_index.json") == en
        assert httpx.get(f"{base}/llms.txt", timeout=30).text.count("\n- [") == listed
        assert "라이브 검색 확인용 문단입니다." in httpx.get(f"{base}/authentication/mfa.md", timeout=30).text
