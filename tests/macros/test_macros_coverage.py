"""Docs and spec agree: every operation of the live spec is documented (an `operation`,
`api_console` or `request_table` call) on at least one page in each language; the sandbox-only
operations on reference/sandbox.md."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from macros import pages
from macros.spec import Spec, load_spec
from tests.conftest import ROOT

LANGUAGES = ("ko", "en")
SANDBOX_PAGE = "reference/sandbox.md"


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml with its `!!python/...` and `!ENV` tags read as plain values (only the nav is used)."""


_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
_ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def _nav() -> Any:
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader)["nav"]


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec()


@pytest.fixture(scope="module")
def index() -> pages.PageIndex:
    return pages.scan(ROOT / "docs", _nav(), LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_operation_is_documented(spec: Spec, index: pages.PageIndex, lang: str) -> None:
    missing = [op.op_id for op in spec.operations.values() if index.page_for(lang, op.op_id) is None]
    assert not missing, f"operations no docs/{lang} page documents: {missing}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sandbox_only_operations_are_on_the_sandbox_page(spec: Spec, lang: str) -> None:
    page = ROOT / "docs" / lang / SANDBOX_PAGE
    assert page.is_file(), f"docs/{lang}/{SANDBOX_PAGE} is missing"
    on_page = {op_id for _, op_id in pages.documented_calls(page.read_text(encoding="utf-8"))}
    missing = [op.op_id for op in spec.operations.values() if op.sandbox_only and op.op_id not in on_page]
    assert not missing, f"sandbox-only operations not documented on docs/{lang}/{SANDBOX_PAGE}: {missing}"


def test_documented_names_exist_in_the_spec(spec: Spec, index: pages.PageIndex) -> None:
    """The reverse direction: a documenting call for an operation the spec lacks would fail the
    build anyway; this names every such call at once."""
    unknown = sorted(
        f"docs/{lang}/{page}: {op_id}"
        for lang, docs in index.documented.items()
        for op_id, page in docs.items()
        if op_id not in spec.operations
    )
    assert not unknown, f"pages document operations the spec does not have: {unknown}"
