"""Lifetimes are typed once, in `x-lifetimes`. Spec text refers to one by name, as the code span
`x-lifetimes.<name>` (readable in the raw spec, which is published and imported into API tools),
and the pages show it in words in the page's language (macros.spec expands it on load)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from macros.spec import LIFETIME_REF, load_spec
from tests.spec.spec_walk import load_spec as load_raw_spec

SPEC = load_raw_spec()
TEXT_KEYS = ("summary", "description", "decision", "message")
# A number followed by a time unit: "15 minutes", "24-hour", "30초", "7일".
DURATION = re.compile(r"\b\d+(?:[\s-]*(?:seconds?|minutes?|hours?|days?)\b|\s*(?:초|분|시간|일))", re.IGNORECASE)


def texts(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """(JSON pointer, text) of every summary, description, decision and message, Korean included;
    examples are values, not prose, and are skipped."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("example", "examples"):
                continue
            if key in TEXT_KEYS and isinstance(value, str):
                yield f"{where}/{key}", value
            else:
                yield from texts(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from texts(value, f"{where}/{i}")


def test_the_duration_pattern_catches_hand_typed_lifetimes() -> None:
    for text in ("valid for 15 minutes", "valid for 15\n  minutes", "a 24-hour link", "1 hour", "30 days",
                 "15분 동안", "24시간", "7일이 지나면", "30초"):
        assert DURATION.search(text), text
    for text in ("6자리 코드", "8~128자", "the access-token lifetime (`x-lifetimes.accessToken`)", "expiresIn=3600"):
        assert not DURATION.search(text), text


def test_no_text_types_a_duration() -> None:
    found = [f"{where}: {m.group(0)!r}" for where, text in texts(SPEC) for m in DURATION.finditer(text)]
    assert found == []


def test_lifetime_references_name_known_lifetimes() -> None:
    used = {name for _, text in texts(SPEC) for name in LIFETIME_REF.findall(text)}
    assert used and used <= set(SPEC["x-lifetimes"]), used - set(SPEC["x-lifetimes"])


def test_error_messages_carry_no_references() -> None:
    # The sandbox sends `message` as it is written; references are for descriptions.
    for code, entry in SPEC["x-error-codes"].items():
        for message in (entry["message"], entry["x-i18n"]["ko"]["message"]):
            assert "x-lifetimes" not in message, code


@pytest.mark.parametrize(("lang", "expected"), [("en", "(1 hour)"), ("ko", "(1시간)")])
def test_the_pages_read_references_as_durations(lang: str, expected: str) -> None:
    spec = load_spec()
    entry = spec.error_code("auth/token-expired")
    text = entry["description"] if lang == "en" else entry["x-i18n"]["ko"]["description"]
    assert expected in text
    assert [where for where, text in texts(spec.raw) if "x-lifetimes." in text] == []
