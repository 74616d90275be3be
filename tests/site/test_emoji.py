"""Emoji shortcodes (hooks/emoji_local.py): an icon is inlined SVG, an emoji is its own character;
neither loads an image from another host."""

from __future__ import annotations

from pathlib import Path

from tests.macros.scratch import make_site

NAV = [{"홈": "index.md"}]


def test_emoji_is_a_character_and_an_icon_inline_svg(tmp_path: Path) -> None:
    page = "# 홈\n\n:rocket: 시작 :material-email-outline: 메일\n"
    site = make_site(tmp_path, {"ko/index.md": page, "en/index.md": page.replace("홈", "Home")}, NAV)
    result = site.build()
    assert result.returncode == 0, result.stderr
    for url in ("", "en"):
        html = site.html(url)
        body = html[html.index('<article'):]
        assert "<p>\U0001f680 시작 " in body
        assert '<span class="twemoji"><svg' in body
        assert "cdn.jsdelivr" not in html and "twemoji/" not in html
