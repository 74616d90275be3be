"""Drift check: a page that names something the spec does not have fails the build, and the
message names the page and the unknown name."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import macros
from macros.errors import MacroError
from tests.macros.scratch import FIXTURE_SPEC, make_site

NAV = [{"홈": "index.md"}, {"깨진 페이지": "broken.md"}]
HOME = {"ko/index.md": "# 홈\n", "en/index.md": "# Home\n"}


def test_unknown_operation_fails_the_build_naming_page_and_name(tmp_path: Path) -> None:
    site = make_site(
        tmp_path,
        {**HOME, "ko/broken.md": '# 깨짐\n\n{{ operation("doesNotExist") }}\n', "en/broken.md": "# Broken\n"},
        NAV,
    )
    result = site.build()
    assert result.returncode != 0
    assert "docs/ko/broken.md:3: operation('doesNotExist')" in result.stderr
    assert "unknown operation 'doesNotExist'" in result.stderr


def test_unknown_name_on_an_english_page_names_the_english_file(tmp_path: Path) -> None:
    site = make_site(
        tmp_path,
        {
            **HOME,
            "ko/broken.md": '# 정상\n\n{{ lifetime("accessToken") }}\n',
            "en/broken.md": '# Broken\n\n{{ lifetime("forever") }}\n',
        },
        NAV,
    )
    result = site.build()
    assert result.returncode != 0
    assert "docs/en/broken.md:3: lifetime('forever'): unknown lifetime 'forever'" in result.stderr


# -- every kind of unknown name, through the registered macros (no build needed) ----------------


class FakeEnv:
    """Just enough of mkdocs-macros' env for define_env: config, the current page, registration."""

    def __init__(self, lang: str, docs_dir: Path) -> None:
        self.conf = {
            "config_file_path": str(docs_dir.parent / "mkdocs.yml"),
            "docs_dir": str(docs_dir),
            "nav": [],
            "extra": {"bkend_spec": str(FIXTURE_SPEC)},
        }
        self.macros: dict[str, Any] = {}
        src = f"{lang}/guide/page.md"
        file = SimpleNamespace(
            src_uri=src, abs_src_path=str(docs_dir / src), locale_alternate_of=lang, norm_src_uri="guide/page.md"
        )
        self.page = SimpleNamespace(file=file, url=("en/" if lang == "en" else "") + "guide/page/")

    def macro(self, fn: Any, name: str) -> None:
        self.macros[name] = fn


@pytest.fixture
def env(tmp_path: Path) -> FakeEnv:
    fake = FakeEnv("ko", tmp_path / "docs")
    macros.define_env(fake)
    return fake


@pytest.mark.parametrize(
    ("call", "args", "kwargs", "message"),
    [
        ("operation", ("doesNotExist",), {}, "unknown operation 'doesNotExist'"),
        ("endpoint", ("emailSignup",), {}, "unknown operation 'emailSignup'; did you mean 'emailSignUp'?"),
        ("request_table", ("nope",), {}, "unknown operation 'nope'"),
        ("response_table", ("nope",), {}, "unknown operation 'nope'"),
        ("error_table", ("nope",), {}, "unknown operation 'nope'"),
        ("api_console", ("nope",), {}, "unknown operation 'nope'"),
        ("endpoint_table", (), {"tag": "no-such-tag"}, "unknown tag 'no-such-tag'"),
        ("endpoint_table", (), {"operations": ["getMe", "ghost"]}, "unknown operation 'ghost'"),
        ("endpoint_table", (), {}, "give either tag=... or operations=[...]"),
        ("schema_table", ("Nobody",), {}, "unknown schema 'Nobody'"),
        ("code_samples", ("emailSignUp",), {"example": "carrier-pigeon"}, "unknown example of emailSignUp 'carrier-pigeon'"),
        ("operation", ("emailSignUp",), {"example": "carrier-pigeon"}, "unknown example of emailSignUp 'carrier-pigeon'"),
        ("error_catalog", (), {"prefix": "billing/"}, "unknown error code prefix 'billing/'"),
        ("lifetime", ("forever",), {}, "unknown lifetime 'forever'"),
        ("lifetime", (), {}, "missing 1 required positional argument"),
    ],
)
def test_each_unknown_name_is_reported(env: FakeEnv, call: str, args: tuple, kwargs: dict, message: str) -> None:
    with pytest.raises(MacroError) as info:
        env.macros[call](*args, **kwargs)
    text = str(info.value)
    assert info.value.page.endswith("docs/ko/guide/page.md")  # the fake page has no file: no line
    assert text.startswith(info.value.page + ": ")
    assert f"{call}(" in text
    assert message in text


def test_unknown_error_code_in_x_errors_is_reported(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(FIXTURE_SPEC.read_text().replace("x-errors: [auth/token-expired]", "x-errors: [auth/ghost]"))
    fake = FakeEnv("en", tmp_path / "docs")
    fake.conf["extra"] = {"bkend_spec": str(spec)}
    macros.define_env(fake)
    with pytest.raises(MacroError, match=r"en/guide/page\.md: error_table\('getMe'\): unknown error code 'auth/ghost'"):
        fake.macros["error_table"]("getMe")


def test_a_missing_spec_file_is_named(tmp_path: Path) -> None:
    fake = FakeEnv("ko", tmp_path / "docs")
    fake.conf["extra"] = {"bkend_spec": str(tmp_path / "absent.yaml")}
    macros.define_env(fake)
    with pytest.raises(MacroError, match=r"cannot read the spec .*absent\.yaml"):
        fake.macros["endpoint"]("getMe")


def test_a_missing_console_module_fails_only_the_page_that_calls_it(
    env: FakeEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "macros.console", None)  # as if console.py were not written yet
    assert "/v1/auth/me" in env.macros["endpoint"]("getMe")  # other macros are unaffected
    with pytest.raises(MacroError, match=r"api_console\('getMe'\): the API console is not available"):
        env.macros["api_console"]("getMe")
