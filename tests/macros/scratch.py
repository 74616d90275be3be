"""Build small MkDocs sites with the project's real configuration and macros.

A scratch site lives in a temporary folder: its mkdocs.yml INHERITs the project's mkdocs.yml and
overrides only the docs folder, the nav and the spec the macros read (the frozen fixture spec
unless a test asks for the live one). The project's macros, hooks, overrides and docs_macros.py
are symlinked next to it, so the build runs exactly the code the real site runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
FIXTURE_SPEC = HERE / "fixtures" / "spec.yaml"
MINI_SITE_DOCS = HERE / "site" / "docs"
MINI_SITE_NAV = [
    {"홈": "index.md"},
    {"가이드": [{"이메일 회원가입": "guide/signup.md"}]},
    {"레퍼런스": "reference.md"},
    {"에러 코드": "errors.md"},
]
LINKED = ("macros", "overrides", "hooks", "docs_macros.py", "spec", "snippets")


@dataclass
class ScratchSite:
    root: Path

    @property
    def config(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def site_dir(self) -> Path:
        return self.root / "site"

    def build(self) -> subprocess.CompletedProcess[str]:
        """`mkdocs build --strict`, from the scratch folder (the `macros` package is imported from
        the working directory, as in the project)."""
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        return subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(self.config), "-d", str(self.site_dir)],
            cwd=self.root,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    def html(self, url_path: str) -> str:
        return (self.site_dir / url_path / "index.html").read_text(encoding="utf-8")


def make_site(
    root: Path,
    docs: dict[str, str] | Path,
    nav: list,
    spec: Path | None = FIXTURE_SPEC,
    site_url: str = "http://127.0.0.1/",
) -> ScratchSite:
    """`docs` maps paths under docs/ (`ko/index.md`) to Markdown, or is a folder to copy.
    `site_url` must be where the site is served when a browser navigates it (the sitemap)."""
    root.mkdir(parents=True, exist_ok=True)
    for name in LINKED:
        if (ROOT / name).exists():
            (root / name).symlink_to(ROOT / name)
    if isinstance(docs, Path):
        shutil.copytree(docs, root / "docs")
    else:
        for rel, text in docs.items():
            (root / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / "docs" / rel).write_text(text, encoding="utf-8")
    config = {
        "INHERIT": str(ROOT / "mkdocs.yml"),
        "docs_dir": "docs",
        "site_url": site_url,
        "nav": nav,
    }
    if spec is not None:
        config["extra"] = {"bkend_spec": str(spec)}
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return ScratchSite(root)
