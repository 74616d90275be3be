"""Small units of the macros: language detection, lifetimes in words, the page index and links,
and that generated Markdown never carries Jinja markers."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from macros import i18n, pages, samples, tables
from macros.spec import load_spec


@pytest.mark.parametrize(
    ("file", "url", "expected"),
    [
        (SimpleNamespace(locale_alternate_of="en", locale="ko"), "en/x/", "en"),  # an English fallback page
        (SimpleNamespace(locale_alternate_of="ko", locale="ko"), "x/", "ko"),
        (SimpleNamespace(), "en/authentication/email-signup/", "en"),  # no i18n attributes: the URL decides
        (SimpleNamespace(), "authentication/email-signup/", "ko"),
    ],
)
def test_page_language(file: SimpleNamespace, url: str, expected: str) -> None:
    assert i18n.page_language(SimpleNamespace(file=file, url=url)) == expected


@pytest.mark.parametrize(
    ("seconds", "ko", "en"),
    [(3600, "1시간", "1 hour"), (900, "15분", "15 minutes"), (86400, "24시간", "24 hours"),
     (604800, "7일", "7 days"), (2592000, "30일", "30 days"), (45, "45초", "45 seconds"), (60, "1분", "1 minute")],
)
def test_duration_in_words(seconds: int, ko: str, en: str) -> None:
    assert (i18n.duration(seconds, "ko"), i18n.duration(seconds, "en")) == (ko, en)


@pytest.mark.parametrize("bad", [0, -5, 1.5, True, "3600"])
def test_duration_rejects_what_is_not_a_lifetime(bad: object) -> None:
    with pytest.raises(ValueError, match="positive number of seconds"):
        i18n.duration(bad, "ko")  # type: ignore[arg-type]


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language 'ja'"):
        i18n.ui("method", "ja")


def test_cell_escapes_pipes_outside_code_and_joins_lines() -> None:
    assert tables.cell("a | b `c|d`\nsecond line\n\nnew paragraph") == r"a \| b `c|d` second line<br><br>new paragraph"


def test_scan_follows_nav_order_then_the_rest(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    for lang, rel, text in [
        ("ko", "b.md", '{{ request_table("getMe") }}\n{{ api_console("listUsers") }}'),
        ("ko", "a.md", '{{ operation( "getMe" ) }}\n{{ error_catalog(prefix="auth/") }}'),
        ("ko", "z/extra.md", "{{ request_table(operation_id='emailSignUp') }}\n{{ error_catalog() }}"),
        ("en", "a.md", '{{ operation("getMe") }}'),
    ]:
        (docs / lang / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / lang / rel).write_text(text, encoding="utf-8")
    index = pages.scan(docs, [{"B": "b.md"}, {"Section": [{"A": "a.md"}]}], ["ko", "en"])
    assert index.documented["ko"] == {"getMe": "b.md", "listUsers": "b.md", "emailSignUp": "z/extra.md"}
    assert index.documented["en"] == {"getMe": "a.md"}
    assert index.catalog_page("ko", "auth/x") == "a.md"
    assert index.catalog_page("ko", "user/x") == "z/extra.md"  # only the full catalog lists it
    assert index.catalog_page("en") is None


@pytest.mark.parametrize(
    ("src", "dst", "anchor", "link"),
    [
        ("index.md", "authentication/email-signup.md", "emailsignup", "authentication/email-signup.md#emailsignup"),
        ("reference/api.md", "authentication/email-signup.md", "", "../authentication/email-signup.md"),
        ("reference/api.md", "reference/api.md", "getme", "#getme"),
        ("reference/api.md", "reference/errors.md", "auth-x", "errors.md#auth-x"),
    ],
)
def test_relative_link(src: str, dst: str, anchor: str, link: str) -> None:
    assert pages.relative_link(src, dst, anchor) == link


def test_generated_markdown_has_no_jinja_markers() -> None:
    """Macro output is not rendered again, but a writer may paste a sample into a page: no
    `{{`, `{%` or `{#` in anything the macros print for the live spec."""
    spec = load_spec()
    for op in spec.operations.values():
        for lang in ("ko", "en"):
            outputs = [tables.request_table(spec, op.op_id, lang), tables.response_table(spec, op.op_id, lang)]
            for example in list(spec.request_examples(op)) or [None]:
                outputs.append(samples.code_samples(spec, op.op_id, lang, example))
            for text in outputs:
                for marker in ("{{", "{%", "{#"):
                    assert marker not in text, f"{op.op_id} ({lang}) prints {marker!r}"


def test_a_pattern_is_shown_only_where_no_format_says_it() -> None:
    spec = load_spec()
    timestamp = {"$ref": "#/components/schemas/Timestamp"}  # date-time, with the pattern `Z$`
    assert [c for c in tables.constraints(spec, timestamp, "en") if "Z$" in c] == []
    slug = spec.raw["components"]["schemas"]["UserPublicSettings"]["properties"]["slug"]
    assert any("[a-z0-9]" in c for c in tables.constraints(spec, slug, "en"))


def test_decisions_lists_every_topic_in_the_page_language() -> None:
    spec = load_spec()
    topics = [d["topic"] for d in spec.raw["x-decisions"]]
    for lang in ("ko", "en"):
        rendered = tables.decisions(spec, lang)
        assert [line.split("`")[1] for line in rendered.splitlines()] == topics
    assert "샌드박스" in tables.decisions(spec, "ko") and "`x-lifetimes." not in tables.decisions(spec, "en")
