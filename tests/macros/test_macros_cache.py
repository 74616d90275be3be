"""What the macros keep between builds: the parsed spec (keyed on the file's bytes) and the macros
package itself (keyed on its code). Both are shared by the English build and by every `mkdocs serve`
reload, so a renderer must never change the spec it is given."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from macros import samples, tables
from macros.console import render_console
from macros.spec import SPEC_PATH, SpecError, load_spec
from tests.conftest import ROOT


def test_the_spec_is_parsed_again_only_when_its_bytes_change(tmp_path: Path) -> None:
    path = tmp_path / "openapi.yaml"
    shutil.copyfile(SPEC_PATH, path)
    first = load_spec(path)
    assert load_spec(path) is first
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("summary: Sign up with e-mail\n", "summary: Sign up by e-mail\n"), encoding="utf-8"
    )
    edited = load_spec(path)
    assert edited is not first
    assert edited.operation("emailSignUp").data["summary"] == "Sign up by e-mail"
    path.write_text(text, encoding="utf-8")
    assert load_spec(path).operation("emailSignUp").data["summary"] == "Sign up with e-mail"
    path.write_text("paths: [unclosed\n", encoding="utf-8")
    with pytest.raises(SpecError, match="invalid YAML"):
        load_spec(path)


def test_rendering_every_block_leaves_the_shared_spec_unchanged() -> None:
    spec = load_spec()
    before = json.dumps(spec.raw, sort_keys=True, default=str)
    for lang in ("ko", "en"):
        for op_id in spec.operations:
            tables.endpoint(spec, op_id, lang)
            tables.request_table(spec, op_id, lang)
            tables.response_table(spec, op_id, lang)
            tables.error_table(spec, op_id, lang, None, lambda code: None)
            samples.code_samples(spec, op_id, lang)
            render_console(spec, op_id, lang)
        tables.endpoint_table(spec, list(spec.operations), lang, lambda op_id: None)
        tables.error_catalog(spec, lang, None, lambda code: True)
        tables.password_policy(spec, lang)
        for name in spec.schemas:
            tables.schema_table(spec, name, lang)
    assert json.dumps(spec.raw, sort_keys=True, default=str) == before


def test_the_macros_package_is_imported_again_only_when_its_code_changes(tmp_path: Path, monkeypatch) -> None:
    shutil.copyfile(ROOT / "docs_macros.py", tmp_path / "docs_macros.py")
    shutil.copytree(ROOT / "macros", tmp_path / "macros", ignore=shutil.ignore_patterns("__pycache__"))
    spec = importlib.util.spec_from_file_location("docs_macros_copy", tmp_path / "docs_macros.py")
    entry = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(entry)
    for name in [m for m in sys.modules if m == "macros" or m.startswith("macros.")]:
        monkeypatch.setitem(sys.modules, name, sys.modules[name])  # put back after the test
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    registered: list[str] = []
    env = SimpleNamespace(
        conf={
            "config_file_path": str(tmp_path / "mkdocs.yml"),
            "docs_dir": str(tmp_path / "docs"),
            "nav": None,
        },
        macro=lambda fn, name: registered.append(name),
    )
    entry.define_env(env)
    first = sys.modules["macros"]
    assert Path(first.__file__).parent == tmp_path / "macros"
    entry.define_env(env)
    assert sys.modules["macros"] is first
    with (tmp_path / "macros" / "errors.py").open("a", encoding="utf-8") as f:
        f.write("\n# edited\n")
    entry.define_env(env)
    assert sys.modules["macros"] is not first
    assert registered.count("operation") == 3
