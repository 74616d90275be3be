"""Bad input: every error names the file and line, and nothing is written (OUT stays as it was)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from importer import ImportFailed, import_space
from importer.space import UsageError
from tests.importer.conftest import FIXTURES, run_cli, snapshot, write_space
from tests.importer.site_build import build


def md(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


BAD_PAGES = {
    "unclosed hint": (
        md("""
            # T

            {% hint style="info" %}
            never closed
            """),
        3,
        "{% hint %} is never closed (missing {% endhint %})",
    ),
    "hint without style": ("{% hint %}\nx\n{% endhint %}\n", 1, '{% hint %} needs a style="..." attribute'),
    "unreadable attributes": ("{% hint style=info %}\nx\n{% endhint %}\n", 1, "cannot read the attributes"),
    "end tag without its start": ("text\n\n{% endtab %}\n", 3, "{% endtab %} without an open {% tab %}"),
    "crossed tags": (
        md("""
            {% tabs %}
            {% tab title="A" %}
            {% hint style="info" %}
            x
            {% endtab %}
            {% endtabs %}
            """),
        3,
        "{% hint %} is never closed (found {% endtab %} on line 5 first)",
    ),
    "tab outside tabs": ('{% tab title="A" %}\nx\n{% endtab %}\n', 1, "{% tab %} outside {% tabs %}"),
    "text between tabs": (
        '{% tabs %}\nstray\n{% tab title="A" %}\nx\n{% endtab %}\n{% endtabs %}\n',
        2,
        "text between {% tab %} blocks",
    ),
    "tabs without tab": ("{% tabs %}\n{% endtabs %}\n", 1, "{% tabs %} without any {% tab %}"),
    "tab without title": ("{% tabs %}\n{% tab %}\nx\n{% endtab %}\n{% endtabs %}\n", 2, '{% tab %} needs a title="..."'),
    "code tag without a fence": ('{% code title="x" %}\nplain\n{% endcode %}\n', 1, "must wrap exactly one fenced code block"),
    "unclosed fence": ("# T\n\n```bash\necho\n", 3, "code fence ``` is never closed"),
    "unclosed details": ("<details>\n<summary>S</summary>\n\nbody\n", 1, "<details> is never closed"),
}


@pytest.mark.parametrize(("page", "line", "message"), BAD_PAGES.values(), ids=BAD_PAGES.keys())
def test_bad_page_fails_with_file_line_and_writes_nothing(tmp_path, page, line, message):
    src = write_space(tmp_path / "space", {"page.md": page})
    out = tmp_path / "out"
    with pytest.raises(ImportFailed) as failed:
        import_space(src, out)
    errors = [d for d in failed.value.diagnostics if d.severity == "error"]
    assert [(d.path, d.line) for d in errors][:1] == [(src / "page.md", line)]
    assert message in errors[0].message
    assert str(errors[0]).startswith(f"{src / 'page.md'}:{line}: error: ")
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["space"]  # no staging folder left behind


DEGRADED_PAGES = {
    "unknown tag": ('# T\n\n{% api-widget src="api.yaml" path="/x" method="get" %}\n', 3, "unknown GitBook block {% api-widget %}: dropped the tag", "# T\n"),
    "unknown block keeps its content": (
        '{% include-me x="1" %}\ninner **text**\n{% endinclude-me %}\n', 1, "kept its content", "inner **text**\n"
    ),
    "raw tag on its own line": ("{% raw %}\n", 1, "unknown GitBook block {% raw %}", "\n"),
    "unknown hint style": ('{% hint style="hot" %}\nx\n{% endhint %}\n', 1, "unknown hint style 'hot': made it a note", '!!! note ""\n\n    x\n'),
    "missing image": ("# T\n\n![a screen](.gitbook/assets/gone.png)\n", 3, "missing file '.gitbook/assets/gone.png'", "# T\n\na screen\n"),
    "missing figure image": (
        '<figure><img src="../.gitbook/assets/gone.png" alt="the flow"><figcaption></figcaption></figure>\n',
        1,
        "missing file",
        '<figure markdown="span">\n  the flow\n</figure>\n',
    ),
    "missing file": ('{% file src=".gitbook/assets/gone.pdf" %}\n', 1, "missing file", "gone.pdf\n"),
    "mermaid that does not parse": (
        '# T\n\n```mermaid\nflowchart TD\n    A --> B[Show "Following" button]\n```\n',
        3,
        "mermaid diagram does not parse, kept as text: Parse error on line 2",
        '# T\n\n```text\nflowchart TD\n    A --> B[Show "Following" button]\n```\n',
    ),
    "conditional": ('{% if visitor.claims.plan == "pro" %}\nfor some\n{% else %}\nfor others\n{% endif %}\n', 1, "every reader sees all of it", "for some\nfor others\n"),
}


@pytest.mark.parametrize(("page", "line", "message", "written"), DEGRADED_PAGES.values(), ids=DEGRADED_PAGES.keys())
def test_what_gitbook_survives_is_a_warning_with_file_and_line_and_the_rest_is_kept(tmp_path, page, line, message, written):
    src = write_space(tmp_path / "space", {"page.md": page})
    result = import_space(src, tmp_path / "out")
    [warning] = result.warnings
    assert str(warning).startswith(f"{src / 'page.md'}:{line}: warning: ")
    assert message in warning.message
    assert (tmp_path / "out" / "docs" / "ko" / "index.md").read_text(encoding="utf-8") == written


def test_every_error_of_every_page_is_reported_at_once(tmp_path):
    src = write_space(
        tmp_path / "space",
        {"a.md": "{% hint style=\"info\" %}\n", "b.md": "ok\n\n{% foo %}\n", "c.md": "```\nnever closed\n"},
    )
    with pytest.raises(ImportFailed) as failed:
        import_space(src, tmp_path / "out")
    found = [(d.path.name, d.line, d.severity) for d in failed.value.diagnostics]
    assert found == [("a.md", 1, "error"), ("b.md", 3, "warning"), ("c.md", 1, "error")]


@pytest.mark.parametrize(
    ("summary", "line", "message"),
    [
        ("* [Page](page.md)\n* [Gone](gone.md)\n", 2, "page 'gone.md' listed in SUMMARY.md does not exist: skipped"),
        ("# Table of contents\n\n* [Page](page.md)\n[not an entry\n", 4, "not a SUMMARY.md entry, skipped"),
        ("* [Page](page.md)\n* [Logo](logo.png)\n", 2, "'logo.png' is not a .md page"),
        ("* [Page](page.md)\n* ```yaml\n  type: builtin:openapi\n  ```\n", 2, "OpenAPI reference"),
    ],
)
def test_summary_problems_gitbook_survives_are_warnings_with_their_line(tmp_path, summary, line, message):
    src = write_space(tmp_path / "space", {"SUMMARY.md": summary, "page.md": "# P\n"})
    result = import_space(src, tmp_path / "out")
    [warning] = result.warnings
    assert (warning.path, warning.line) == (src / "SUMMARY.md", line)
    assert message in warning.message
    assert (tmp_path / "out" / "nav.ko.yml").read_text(encoding="utf-8") == "- Page: index.md\n"


def test_two_pages_with_one_output_path_is_an_error(tmp_path):
    src = write_space(
        tmp_path / "space", {"SUMMARY.md": "* [A](<a b.md>)\n* [B](a-b.md)\n", "a b.md": "# A\n", "a-b.md": "# B\n"}
    )
    with pytest.raises(ImportFailed) as failed:
        import_space(src, tmp_path / "out")
    [error] = failed.value.diagnostics
    assert (error.path, error.line) == (src / "SUMMARY.md", 2)
    assert "would both be written to 'a-b.md'" in error.message


def test_malformed_fixture_on_the_command_line_leaves_out_untouched(tmp_path):
    """The acceptance case: a malformed space, OUT already holding an earlier import, --force."""
    src = FIXTURES / "malformed"
    out = tmp_path / "out"
    (out / "ko").mkdir(parents=True)
    (out / "ko" / "index.md").write_text("# earlier import\n", encoding="utf-8")
    before = snapshot(out)

    proc = run_cli(src, out, "--force")

    assert proc.returncode == 1, proc.stderr
    page = src / "ko" / "guide" / "broken.md"
    assert f"{page}:7: error: {{% hint %}} is never closed (missing {{% endhint %}})" in proc.stderr
    assert f"{page}:13: warning: unknown GitBook block {{% api-widget %}}: dropped the tag" in proc.stderr
    assert f"{src / 'en' / 'README.md'}:5: warning: missing file '.gitbook/assets/missing.png'" in proc.stderr
    assert f"import failed: 1 error(s), 2 warning(s); {out} was not changed" in proc.stderr
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_strict_turns_warnings_into_a_failure(tmp_path):
    src = write_space(tmp_path / "space", {"page.md": "[gone](gone.md)\n"})
    out = tmp_path / "out"
    proc = run_cli(src, out, "--strict")
    assert proc.returncode == 1
    assert f"{src / 'page.md'}:1: error: link to 'gone.md': no such page or file: kept its text (--strict)" in proc.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{missing}", "{out}"], "not a folder"),
        (["{space}", "{full}"], "exists and is not empty (use --force to replace it)"),
        (["{space}", "{space}"], "OUT must not be SRC or a folder that contains it"),
        (["{space}", "{out}", "--lang-map", "ko"], "--lang-map: expected FOLDER=LANG, got 'ko'"),
        (["{space}", "{out}", "--lang-map", "ko=ko"], "--lang-map names it, but it has no SUMMARY.md"),
        (["{space}", "{out}", "--lang", "Korean!"], "'Korean!' is not a language code"),
        (["{multi}", "{out}", "--lang-map", "ko=ko,jp=ja"], "--lang-map names it, but it has no SUMMARY.md"),
        (["{multi}", "{out}", "--lang-map", "ko=ko,en=ko"], "two source folders map to the same language"),
        (["{plain}", "{out}"], "no SUMMARY.md, and no language folders with one"),
        (["{spaces}", "{out}"], "help hold their own SUMMARY.md but are not language folders: import one space"),
    ],
)
def test_usage_errors_exit_2_and_touch_nothing(tmp_path, args, message):
    paths = {
        "missing": tmp_path / "missing",
        "space": write_space(tmp_path / "space", {"page.md": "# P\n"}),
        "multi": _multi(tmp_path / "multi"),
        "spaces": write_space(tmp_path / "spaces" / "help", {"page.md": "# Help\n"}).parent,
        "plain": tmp_path / "plain",
        "full": tmp_path / "full",
        "out": tmp_path / "out",
    }
    paths["plain"].mkdir()
    paths["full"].mkdir()
    (paths["full"] / "keep.txt").write_text("keep", encoding="utf-8")
    before = snapshot(tmp_path)
    proc = run_cli(*[a.format(**paths) for a in args])
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert snapshot(tmp_path) == before
    assert not paths["out"].exists()


def test_argparse_errors_exit_2():
    proc = run_cli("--no-such-option")
    assert proc.returncode == 2
    assert "usage: python -m importer" in proc.stderr


def _multi(root: Path) -> Path:
    write_space(root / "ko", {"page.md": "# 페이지\n"})
    write_space(root / "en", {"page.md": "# Page\n"})
    return root


def test_usage_error_is_raised_before_any_reading(tmp_path):
    with pytest.raises(UsageError):
        import_space(tmp_path / "nope", tmp_path / "out")


def test_a_diagram_that_does_not_parse_leaves_the_others_drawn_and_the_build_strict(tmp_path):
    page = (
        '# T\n\n{% hint style="info" %}\n```mermaid\nflowchart LR\n    Import --> Build\n```\n{% endhint %}\n\n'
        "```mermaid\nflowchart LR\n    A -> B\n```\n"
    )
    src = write_space(tmp_path / "space", {"page.md": page})
    result = import_space(src, tmp_path / "out")
    assert [(d.line, d.kind) for d in result.warnings] == [(10, "mermaid")]
    run = build(tmp_path / "out", cwd=tmp_path)
    assert run.returncode == 0 and run.warnings == [], run.log
    built = (tmp_path / "out" / "site" / "index.html").read_text(encoding="utf-8")
    assert built.count('<div class="bk-diagram"><svg') == 1 and "A -&gt; B" in built
