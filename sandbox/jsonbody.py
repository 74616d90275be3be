"""JSON request bodies parsed as a hostile client may send them: every way the parser or what comes
after it could fail (deep nesting, huge integers, NaN, lone surrogates) becomes one `Rejected`, which
the caller answers 400 in the error envelope, never a 500."""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 32  # no request schema nests deeper than a few levels


class Rejected(ValueError):
    """The body is not JSON the sandbox will read; the message says why."""


def _no_constant(name: str) -> Any:
    raise Rejected(f"{name} is not a JSON number")


def parse(body: bytes) -> Any:
    try:
        value = json.loads(body, parse_constant=_no_constant)
    except RecursionError:
        raise Rejected("it nests too deeply") from None
    except UnicodeDecodeError:
        raise Rejected("it is not UTF-8") from None
    except json.JSONDecodeError:
        raise
    except ValueError as exc:  # e.g. an integer longer than Python converts (4300 digits)
        raise Rejected(str(exc)) from None
    check(value)
    return value


def check(value: Any) -> None:
    """Depth and text checked without recursion, so the check itself cannot overflow."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Rejected(f"it nests deeper than {MAX_DEPTH} levels")
        if isinstance(item, str):
            _text(item)
        elif isinstance(item, dict):
            for key, sub in item.items():
                _text(key)
                stack.append((sub, depth + 1))
        elif isinstance(item, list):
            stack.extend((sub, depth + 1) for sub in item)


def _text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # "\ud800": valid JSON escape, not a character
        raise Rejected("it contains a lone surrogate (\\ud800-\\udfff), which is not a character") from None
