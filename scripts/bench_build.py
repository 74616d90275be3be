"""Build and reload times for `make bench` (scripts/bench.py prints the rows).

What each row measures (wall clock, median of BENCH_RUNS runs unless noted; run it on a quiet
machine, or compare the ratios, which are measured back to back):

- full build: `mkdocs build` of this site, both languages (`python -m mkdocs build`, new process),
  warm: after one untimed build, so it finds the Markdown conversions and compiled templates of the
  previous build in `.cache/render/` and `.cache/jinja/` (hooks/render_cache.py,
  hooks/template_cache.py), as a writer's or CI's next build does. This is the row the target is
  about; the cold row below says what a build without those caches costs.
- cold build: the same in a copy of the project whose `.cache/render/` and `.cache/jinja/` are
  removed before every run (the diagrams' and search's caches kept): every page converted and
  every template compiled.
- plain Material, per language: the same Markdown files of one language folder (macro calls left as
  text, so without the generated tables, samples and consoles) built by stock Material with its
  search plugin and the usual Markdown extensions, no i18n, no macros, no hooks; "both" is the sum of
  the two builds, the fair baseline for our one build of both languages.
- page-edit reload: `make serve` (scripts/serve.sh) in a copy of the project; a line is appended to
  an English page and the clock runs until the server answers that page with the new line (the
  median of 5 edits). This includes the file watcher's polling delay (0.5 s in MkDocs). Beside it,
  the CPU time `make serve`'s processes used meanwhile, which a busy machine does not inflate much.
- spec-edit reload: the same for an edit of an operation's English summary in spec/openapi.yaml,
  until another page than the edited operation's own (the API reference) shows it.
- 10x pages: a copy of the project whose docs hold nine more copies of every page in both languages
  (each in the nav), built twice (the second build is timed: warm, like the full-build row), against
  the warm 1x build of the same copy measured just before. The copy starts without any `.cache/`
  (diagrams, search segmentation, conversions, templates): its first build is shown as the build
  from nothing.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
EDITS = 5
LANGUAGES = ("ko", "en")
EDIT_PAGE = "en/authentication/email-signup.md"
SPEC_OPERATION = ("/v1/auth/email/signup", "post")
SPEC_WATCH_PAGE = "en/reference/auth-user-api/"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
IGNORE = shutil.ignore_patterns(".git", ".venv", "node_modules", "site", ".sandbox", "__pycache__", ".*cache")


def build_seconds(config: Path, site_dir: Path, cwd: Path = ROOT, runs: int = RUNS) -> tuple[float, float]:
    """Median wall-clock and CPU (user + system) seconds of `mkdocs build` in a new process."""
    timings, cpu = [], []
    for _ in range(runs):
        shutil.rmtree(site_dir, ignore_errors=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site_dir)],
            cwd=cwd,
            check=True,
            env=ENV,
        )
        timings.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(timings), statistics.median(cpu)


CACHES = ("render", "jinja")  # what hooks/render_cache.py and hooks/template_cache.py keep


def remove_build_caches(project: Path) -> None:
    for name in CACHES:
        shutil.rmtree(project / ".cache" / name, ignore_errors=True)


def cold_build_seconds(tmp: Path, runs: int = RUNS) -> tuple[float, float]:
    """Median `mkdocs build` of a copy of the project without the conversion and template caches."""
    project = copy_project(tmp / "cold-project")
    for kept in ("diagrams", "search"):  # not what this row is about; and no Chromium, no Kiwi
        if (ROOT / ".cache" / kept).is_dir():
            shutil.copytree(ROOT / ".cache" / kept, project / ".cache" / kept)
    build_seconds(project / "mkdocs.yml", tmp / "cold-site", cwd=project, runs=1)  # Python's own caches
    timings, cpu = [], []
    for _ in range(runs):
        remove_build_caches(project)
        wall, used = build_seconds(project / "mkdocs.yml", tmp / "cold-site", cwd=project, runs=1)
        timings.append(wall)
        cpu.append(used)
    return statistics.median(timings), statistics.median(cpu)


def plain_material_config(tmp: Path, lang: str) -> Path:
    """One language's pages under a stock Material config (macro calls stay as text)."""
    docs = tmp / f"plain-docs-{lang}"
    shutil.copytree(ROOT / "docs" / lang, docs, dirs_exist_ok=True)
    config = {
        "site_name": "plain",
        "docs_dir": str(docs),
        "theme": {"name": "material", "language": lang, "font": False},  # no Google Fonts (offline, fair)
        "plugins": ["search"],
        "exclude_docs": "STYLE.md\n",
        "markdown_extensions": [
            "admonition",
            "attr_list",
            "md_in_html",
            "tables",
            "pymdownx.details",
            "pymdownx.superfences",
            {"pymdownx.tabbed": {"alternate_style": True}},
            "pymdownx.highlight",
            "pymdownx.inlinehilite",
        ],
    }
    path = tmp / f"plain-{lang}.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def copy_project(dest: Path) -> Path:
    shutil.copytree(ROOT, dest, ignore=IGNORE)
    for shared in (".venv", "node_modules"):  # the build reads node_modules (vendored assets)
        (dest / shared).symlink_to(ROOT / shared)
    return dest


# -- reloads ---------------------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _group_cpu_seconds(pgid: int) -> float:
    """User + system CPU time of the live processes of a process group (Linux /proc)."""
    ticks = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        if int(fields[2]) == pgid:  # fields after the command name: state, ppid, pgrp, ...
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


@contextmanager
def serving(project: Path) -> Iterator[tuple[str, int]]:
    """`make serve` (scripts/serve.sh) in `project`; yields the docs URL and the process group id;
    Ctrl-C stops it."""
    docs_port, sandbox_port = _free_port(), _free_port()
    log = (project / "serve.log").open("w")
    proc = subprocess.Popen(
        ["bash", "scripts/serve.sh"],
        cwd=project,
        env={**ENV, "DOCS_PORT": str(docs_port), "SANDBOX_PORT": str(sandbox_port)},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{docs_port}"
    try:
        _wait_for(f"{base}/", "</html>", timeout=300, proc=proc)
        yield base, proc.pid
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


def _wait_for(url: str, text: str, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"`make serve` exited with {proc.returncode}")
        try:
            if text in httpx.get(url, timeout=30).text:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.02)
    raise TimeoutError(f"{url} did not show {text!r} within {timeout}s")


def _time_edits(base: str, pgid: int, url_path: str, edit) -> tuple[float, float]:
    """Median seconds from an edit (edit(marker) writes it) until `url_path` serves the marker, and
    the median CPU seconds the server used meanwhile."""
    timings, cpu = [], []
    for i in range(EDITS):
        time.sleep(1.0)  # let the previous rebuild settle
        marker = f"bench-edit-{i}-{time.time_ns()}"
        cpu_start, start = _group_cpu_seconds(pgid), time.perf_counter()
        edit(marker)
        _wait_for(f"{base}/{url_path}", marker, timeout=120)
        timings.append(time.perf_counter() - start)
        cpu.append(_group_cpu_seconds(pgid) - cpu_start)
    return statistics.median(timings), statistics.median(cpu)


def reload_seconds(tmp: Path) -> tuple[tuple[float, float], tuple[float, float]]:
    project = copy_project(tmp / "serve-project")
    page = project / "docs" / EDIT_PAGE
    spec = project / "spec" / "openapi.yaml"
    path, method = SPEC_OPERATION
    summary = yaml.safe_load(spec.read_text(encoding="utf-8"))["paths"][path][method]["summary"]
    original = spec.read_text(encoding="utf-8")
    assert original.count(f"summary: {summary}\n") == 1, "the benchmark edits one English summary"

    def edit_page(marker: str) -> None:
        with page.open("a", encoding="utf-8") as f:
            f.write(f"\n\n{marker}\n")

    def edit_spec(marker: str) -> None:
        text = original.replace(f"summary: {summary}\n", f"summary: {summary} {marker}\n")
        spec.write_text(text, encoding="utf-8")

    page_url = EDIT_PAGE.removesuffix(".md") + "/"
    with serving(project) as (base, pgid):
        page_edit = _time_edits(base, pgid, page_url, edit_page)
        spec_edit = _time_edits(base, pgid, SPEC_WATCH_PAGE, edit_spec)
    return page_edit, spec_edit


# -- 10x pages -------------------------------------------------------------------------------------


def _prefixed_nav(nav: object, prefix: str) -> object:
    if isinstance(nav, str):
        return prefix + nav
    if isinstance(nav, list):
        return [_prefixed_nav(item, prefix) for item in nav]
    if isinstance(nav, dict):
        return {key: _prefixed_nav(value, prefix) for key, value in nav.items()}
    return nav


def multiply_pages(project: Path, factor: int) -> Path:
    """A config for `project` whose docs hold `factor` copies of every page (the originals plus
    copies under copy-N/, each in the nav under its own section)."""
    for lang in LANGUAGES:
        docs = project / "docs" / lang
        originals = [p for p in docs.iterdir() if p.name != "STYLE.md"]
        for n in range(2, factor + 1):
            for item in originals:
                target = docs / f"copy-{n}" / item.name
                if item.is_dir():
                    shutil.copytree(item, target)
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(item, target)
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    nav_start = text.index("\nnav:\n") + 1
    nav = yaml.safe_load(text[nav_start:])["nav"]
    copies = [{f"사본 {n}": _prefixed_nav(nav, f"copy-{n}/")} for n in range(2, factor + 1)]
    nav_yaml = yaml.safe_dump({"nav": nav + copies}, allow_unicode=True, sort_keys=False)
    # The i18n plugin translates section titles; the copies' sections need an English title too.
    translations = "".join(f"            사본 {n}: Copy {n}\n" for n in range(2, factor + 1))
    head = re.sub(
        r"(\n          nav_translations:\n)", r"\1" + translations.replace("\\", r"\\"), text[:nav_start]
    )
    config = project / f"mkdocs-x{factor}.yml"
    config.write_text(head + nav_yaml, encoding="utf-8")
    return config


def scaled_build_seconds(tmp: Path, factor: int = 10) -> tuple[tuple[float, float], ...]:
    """(first build of a copy without .cache/, the same again, the copy at `factor`x pages, warm)."""
    project = copy_project(tmp / "scaled-project")
    cold = build_seconds(project / "mkdocs.yml", tmp / "scaled-site-1", cwd=project, runs=1)
    one = build_seconds(project / "mkdocs.yml", tmp / "scaled-site-1", cwd=project, runs=1)
    config = multiply_pages(project, factor)
    build_seconds(config, tmp / f"scaled-site-{factor}", cwd=project, runs=1)  # fills the caches
    many = build_seconds(config, tmp / f"scaled-site-{factor}", cwd=project, runs=1)
    return cold, one, many


def _times(wall: float, cpu: float) -> str:
    return f"{wall:.2f} s ({cpu:.2f} s CPU)"


def rows() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        build_seconds(ROOT / "mkdocs.yml", tmp / "site", runs=1)  # the previous build: caches warm
        ours = build_seconds(ROOT / "mkdocs.yml", tmp / "site")
        cold_build = cold_build_seconds(tmp)
        plain = {
            lang: build_seconds(plain_material_config(tmp, lang), tmp / f"plain-site-{lang}")
            for lang in LANGUAGES
        }
        both = (sum(wall for wall, _ in plain.values()), sum(cpu for _, cpu in plain.values()))
        out.append(("build: this site (ko + en, macros, i18n), warm caches", _times(*ours)))
        for lang in LANGUAGES:
            out.append((f"build: plain Material, same {lang} pages", _times(*plain[lang])))
        out.append(("build: plain Material, both languages", _times(*both)))
        out.append(
            (
                "build: this site (warm) / plain (target <= 1.5x)",
                f"{ours[0] / both[0]:.2f}x ({ours[1] / both[1]:.2f}x CPU)",
            )
        )
        out.append(
            (
                "build: cold (no .cache/render, .cache/jinja) / plain",
                f"{_times(*cold_build)}: {cold_build[0] / both[0]:.2f}x ({cold_build[1] / both[1]:.2f}x CPU)",
            )
        )
        (page_edit, page_cpu), (spec_edit, spec_cpu) = reload_seconds(tmp)
        out.append(
            (f"serve: page-edit reload, median of {EDITS} (target <= 1.5 s)", _times(page_edit, page_cpu))
        )
        out.append(
            (f"serve: spec-edit reload, median of {EDITS} (target <= 3 s)", _times(spec_edit, spec_cpu))
        )
        cold, one, many = scaled_build_seconds(tmp)
        out.append(("build: a copy without any .cache/ (diagrams, search, conversions)", _times(*cold)))
        out.append(("build: the same copy again, 1x pages", _times(*one)))
        out.append(
            (
                "build: at 10x pages, warm (target <= 10x)",
                f"{_times(*many)}: {many[0] / one[0]:.1f}x ({many[1] / one[1]:.1f}x CPU)",
            )
        )
    return out


if __name__ == "__main__":
    result = rows()
    width = max(len(name) for name, _ in result)
    for name, value in result:
        print(f"{name.ljust(width)} | {value}")
