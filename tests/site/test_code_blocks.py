"""Every fenced code block written by hand in docs/ is checked, or marked as a fragment on purpose.

- JavaScript/JSX: bundled by esbuild (syntax, and every name imported from `bkend.js` or a sibling
  block exists); each bkend request (path, method, body keys) must be in the spec.
- bash: `bash -n`; each cURL request must be in the spec. JSON: parsed. HTML: tags balanced.
  Mermaid: parsed by the mermaid the site ships, in Chromium.
- A block with an example call in a comment (`// 예: signUp({...})`, `// e.g. signUp({...})`) is a
  complete program: it runs in Node against a fresh sandbox, the page's examples in page order, and
  each must resolve to a value.
- Anything else (`text` output, a deliberate excerpt) carries `<!-- fragment: reason -->` on the
  line before its fence.

Blocks are found afresh from docs/ each run, so new pages and blocks are covered as they land.
"""

from __future__ import annotations

import html.parser
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_sandbox
from tests.site.block_calls import ApiCall, check, curl_calls, js_calls
from tests.site.code_blocks import Block, all_blocks
from tests.spec.spec_walk import load_spec

BLOCKS = all_blocks()
JS = ("javascript", "js", "jsx")
CHECKED = {*JS, "bash", "sh", "json", "html", "mermaid"}
MERMAID = ROOT / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
EXAMPLE = re.compile(r"^\s*//\s*(?:예:|e\.g\.:?)\s*(?P<call>[A-Za-z_$][\w$]*\(.*\))\s*;?\s*$", re.M)
HOW_TO_FIX = (
    "Make it checkable (a language this test checks: {langs}), or put "
    "`<!-- fragment: short reason -->` on the line right before its fence."
)


def checked(lang: str) -> list[Block]:
    return [b for b in BLOCKS if b.lang in lang and b.fragment is None]


def ids(blocks: list[Block]) -> list[str]:
    return [b.where for b in blocks]


def test_every_block_is_checked_or_marked_as_a_fragment() -> None:
    assert len(BLOCKS) >= 100, "the block scan found too few blocks: is docs/ there?"
    unchecked = [f"{b.where}: ```{b.lang}" for b in BLOCKS if b.fragment is None and b.lang not in CHECKED]
    assert not unchecked, "\n".join(unchecked) + "\n" + HOW_TO_FIX.format(langs=", ".join(sorted(CHECKED)))


def test_the_scan_sees_indented_blocks_and_fragment_marks(tmp_path: Path) -> None:
    page = tmp_path / "docs" / "ko" / "page.md"
    page.parent.mkdir(parents=True)
    page.write_text(
        "# T\n\n<!-- fragment: output only -->\n```text\nok\n```\n\n=== \"Tab\"\n\n"
        "    ```javascript title=\"a.js\"\n    const a = 1;\n    ```\n\n```yaml\nx: 1\n```\n",
        encoding="utf-8",
    )
    from tests.site.code_blocks import page_blocks

    found = [(b.line, b.lang, b.title, b.code, b.fragment) for b in page_blocks(page)]
    assert found == [
        (4, "text", "", "ok\n", "output only"),
        (10, "javascript", "a.js", "const a = 1;\n", None),
        (14, "yaml", "", "x: 1\n", None),
    ]


# --- JavaScript / JSX ----------------------------------------------------------------------------


def _siblings(block: Block) -> dict[str, str]:
    """Blocks other blocks import by file name: the same page first, then the same language."""
    lang_root = block.path.relative_to(ROOT / "docs").parts[0]
    found: dict[str, str] = {}
    for other in sorted(BLOCKS, key=lambda b: (b.path != block.path, str(b.path), b.line)):
        if other.lang in JS and other.title and other.path.relative_to(ROOT / "docs").parts[0] == lang_root:
            found.setdefault(other.title.split()[0].split("/")[-1], _source(other))
    return found


def _source(block: Block) -> str:
    return block.snippet.read_text(encoding="utf-8") if block.snippet else block.code


def bundle(blocks: list[Block], *, share_helper: bool = False) -> dict[str, dict]:
    jobs = [{"id": b.where, "code": _source(b), "loader": "jsx" if b.lang == "jsx" else "js",
             "siblings": _siblings(b), "shareHelper": share_helper} for b in blocks]
    run = subprocess.run(["node", str(Path(__file__).with_name("bundle_blocks.mjs")), str(ROOT)],
                         input=json.dumps(jobs), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return {r["id"]: r for r in json.loads(run.stdout)}


@pytest.fixture(scope="module")
def bundles() -> dict[str, dict]:
    return bundle(checked(JS))


@pytest.mark.parametrize("block", checked(JS), ids=ids(checked(JS)))
def test_javascript_block_bundles(block: Block, bundles: dict[str, dict]) -> None:
    assert bundles[block.where]["errors"] == [], f"{block.where}: {bundles[block.where]['errors']}"


def test_bundling_catches_a_syntax_error_and_a_missing_export() -> None:
    good = next(b for b in checked(JS) if "from './bkend.js'" in b.code)
    broken = [
        Block(good.path, 1, "javascript", "", "const = ;\n", None),
        Block(good.path, 2, "javascript", "", "import { noSuchHelper } from './bkend.js';\nnoSuchHelper();\n", None),
    ]
    results = bundle(broken)
    assert results[broken[0].where]["errors"][0].startswith("1:6: ")
    assert results[broken[1].where]["errors"] == [
        '1:9: No matching export in "snippets/bkend.js" for import "noSuchHelper"'
    ]


# --- requests against the spec -------------------------------------------------------------------


def block_calls(block: Block) -> list[ApiCall]:
    return js_calls(block.code) if block.lang in JS else curl_calls(block.code)


CALLING = [b for b in checked((*JS, "bash", "sh")) if block_calls(b)]


def test_the_request_scan_finds_the_pages_requests() -> None:
    assert len(CALLING) >= 10
    calls = {(c.method, c.path) for b in CALLING for c in block_calls(b)}
    assert ("POST", "/v1/auth/email/signup") in calls and ("GET", "/v1/auth/me") in calls


@pytest.mark.parametrize("block", CALLING, ids=ids(CALLING))
def test_block_requests_are_in_the_spec(block: Block) -> None:
    spec = load_spec()
    problems = [f"{block.where} (+{c.line}): {p}" for c in block_calls(block) for p in check(spec, c)]
    assert problems == []


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("bkendFetch('/v1/auth/sign-up', { method: 'POST', body: { email } });",
         "POST /v1/auth/sign-up: no such path in the spec"),
        ("bkendFetch('/v1/auth/me', { method: 'DELETE' });",
         "DELETE /v1/auth/me: the spec has no DELETE on /v1/auth/me"),
        ("bkendFetch(`/v1/users/${id}/profile`, { method: 'PATCH', body: { nickname: 'x', mobil: '1' } });",
         "PATCH /v1/users/{userId}/profile: body key 'mobil' is not in the request schema"),
        ("await bkendFetch('/v1/auth/email/signin', { method: 'POST', body: { method: 'password', email, token } });",
         "POST /v1/auth/email/signin: body key 'token' is not in the request schema"),
    ],
)
def test_the_spec_check_refuses_wrong_requests(code: str, problem: str) -> None:
    [call] = js_calls(code)
    [found] = check(load_spec(), call)
    assert found.startswith(problem), found


def test_curl_requests_are_read() -> None:
    [call] = curl_calls("curl -X PATCH \"$BKEND_BASE_URL/v1/users/$ID/profile\" \\\n  -H 'X-API-Key: k' \\\n"
                        "  -d '{\"nickname\": \"n\", \"bogus\": 1}'\n")
    assert (call.method, call.path, call.body_keys) == ("PATCH", "/v1/users/$ID/profile", ["nickname", "bogus"])
    assert [p.split(" (")[0] for p in check(load_spec(), call)] == [
        "PATCH /v1/users/{userId}/profile: body key 'bogus' is not in the request schema"]


# --- bash, JSON, HTML ----------------------------------------------------------------------------


@pytest.mark.parametrize("block", checked(("bash", "sh")), ids=ids(checked(("bash", "sh"))))
def test_bash_block_parses(block: Block) -> None:
    run = subprocess.run(["bash", "-n"], input=block.code, capture_output=True, text=True, timeout=30)
    assert run.returncode == 0, f"{block.where}: {run.stderr}"


def test_bash_check_catches_a_syntax_error() -> None:
    run = subprocess.run(["bash", "-n"], input="if true; then echo\n", capture_output=True, text=True)
    assert run.returncode == 2 and "syntax error" in run.stderr


@pytest.mark.parametrize("block", checked(("json",)), ids=ids(checked(("json",))))
def test_json_block_parses(block: Block) -> None:
    json.loads(block.code)


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class TagBalance(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"line {self.getpos()[0]}: </{tag}> closes <{self.open[-1] if self.open else ''}>")
        else:
            self.open.pop()


def html_problems(code: str) -> list[str]:
    parser = TagBalance()
    parser.feed(code)
    parser.close()
    return parser.problems + [f"<{tag}> is never closed" for tag in parser.open]


@pytest.mark.parametrize("block", checked(("html",)), ids=ids(checked(("html",))))
def test_html_block_is_balanced(block: Block) -> None:
    assert html_problems(block.code) == [], block.where


def test_html_check_catches_unbalanced_tags() -> None:
    assert html_problems("<form><label>E-mail<input name=e></form>") == [
        "line 1: </form> closes <label>", "<form> is never closed", "<label> is never closed"]


# --- mermaid -------------------------------------------------------------------------------------

PARSE_ALL = """async (texts) => {
  mermaid.initialize({ startOnLoad: false });
  const out = [];
  for (const text of texts) {
    try { await mermaid.parse(text); out.push(null); } catch (e) { out.push(String(e.message || e)); }
  }
  return out;
}"""


@pytest.mark.browser
def test_mermaid_blocks_parse(page) -> None:
    blocks = checked(("mermaid",))
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(path=str(MERMAID))
    results = page.evaluate(PARSE_ALL, [b.code for b in blocks] + ["graph TD\n  A --> \n  -->"])
    *found, broken = results
    assert broken is not None, "mermaid.parse accepted a broken diagram: the check checks nothing"
    assert {b.where: r for b, r in zip(blocks, found, strict=True) if r} == {}


# --- complete programs: run against a sandbox ----------------------------------------------------

RUN_EXAMPLES = """
import { pathToFileURL } from 'node:url';
const [helperPath, ...modules] = process.argv.slice(2);
const helper = await import(pathToFileURL(helperPath));
helper.configureBkend({ baseUrl: process.env.SANDBOX_URL, apiKey: process.env.BKEND_API_KEY });
const results = [];
for (const path of modules) {
  try {
    const value = await (await import(pathToFileURL(path))).__example();
    results.push({ ok: true, value });
  } catch (error) {
    results.push({ ok: false, error: `${error.name}: ${error.message}` });
  }
}
console.log(JSON.stringify(results));
"""

PROGRAMS = [b for b in checked(JS) if EXAMPLE.search(b.code)]
PROGRAM_PAGES = sorted({b.path for b in PROGRAMS})


def test_the_pages_have_complete_programs() -> None:
    # The cookbook's sign-up at least: a guard that the example convention is still found.
    assert any(b.path.name == "auth.md" and b.title == "src/auth/sign-up.js" for b in PROGRAMS)


@pytest.mark.parametrize("page_path", PROGRAM_PAGES, ids=[str(p.relative_to(ROOT)) for p in PROGRAM_PAGES])
def test_complete_programs_run_against_the_sandbox(page_path: Path, tmp_path: Path) -> None:
    """The page's example calls, in page order, against a sandbox of their own: every call must
    resolve (bkendFetch throws on any error answer), and the sandbox checks each response too."""
    programs = [b for b in PROGRAMS if b.path == page_path]
    # bkend.js stays one shared module: the runner configures it once, as the reader's app does.
    bundled = bundle(programs, share_helper=True)
    modules = []
    for n, block in enumerate(programs):
        module = tmp_path / f"block{n}.mjs"
        call = EXAMPLE.search(block.code)["call"]  # type: ignore[index]
        module.write_text(f"{bundled[block.where]['bundle']}\nexport const __example = () => {call};\n",
                          encoding="utf-8")
        modules.append(str(module))
    runner = tmp_path / "run_examples.mjs"
    runner.write_text(RUN_EXAMPLES, encoding="utf-8")
    env = {"SANDBOX_RATE_LIMITS": "off", "SANDBOX_VALIDATE_RESPONSES": "1"}
    with run_sandbox(tmp_path / "sandbox.db", extra_env=env) as sandbox:
        run = subprocess.run(
            ["node", str(runner), str(ROOT / "snippets" / "bkend.js"), *modules],
            capture_output=True, text=True, timeout=120,
            env={**os.environ, "SANDBOX_URL": sandbox.url, "BKEND_API_KEY": sandbox.key},
        )
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    failed = {b.where: r["error"] for b, r in zip(programs, results, strict=True) if not r["ok"]}
    assert failed == {}
    # Each example answers something: a sign-in that "worked" but left no user behind would be null.
    assert [b.where for b, r in zip(programs, results, strict=True) if r["value"] is None] == []
