"""Every fenced code block written by hand in docs/ (the generated samples come from macros and are
run by tests/samples): where it is, its language, and whether it is marked as a fragment.

A block that cannot be checked says so on purpose, with an HTML comment on the line right before its
fence: `<!-- fragment: short reason -->`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT

DOCS = ROOT / "docs"
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
FRAGMENT = re.compile(r"^\s*<!--\s*fragment:\s*(?P<reason>\S.*?)\s*-->\s*$")
TITLE = re.compile(r'title="(?P<title>[^"]*)"')
# pymdownx.snippets: the block's content is a project file (checked where that file is tested).
SNIPPET = re.compile(r'^--8<--\s+"(?P<path>[^"]+)"\s*$')


@dataclass(frozen=True)
class Block:
    path: Path
    line: int  # 1-based line of the opening fence
    lang: str
    title: str
    code: str  # dedented to the fence's indentation
    fragment: str | None  # the reason, when marked

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT).as_posix()}:{self.line}"

    @property
    def snippet(self) -> Path | None:
        match = SNIPPET.match(self.code.strip())
        return ROOT / match["path"] if match else None


def page_blocks(path: Path) -> Iterator[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening or not opening["info"].strip():
            i += 1
            continue
        indent, fence, info = opening["indent"], opening["fence"], opening["info"].strip()
        body: list[str] = []
        j = i + 1
        while j < len(lines):
            closing = FENCE.match(lines[j])
            if (closing and not closing["info"].strip() and closing["fence"][0] == fence[0]
                    and len(closing["fence"]) >= len(fence)):
                break
            body.append(lines[j][len(indent):] if lines[j].startswith(indent) else lines[j].lstrip())
            j += 1
        else:
            raise AssertionError(f"{path.relative_to(ROOT)}:{i + 1}: the code fence is never closed")
        marked = FRAGMENT.match(lines[i - 1]) if i > 0 else None
        title = TITLE.search(info)
        yield Block(
            path=path,
            line=i + 1,
            lang=info.split()[0].lower(),
            title=title["title"] if title else "",
            code="\n".join(body) + "\n",
            fragment=marked["reason"] if marked else None,
        )
        i = j + 1


def all_blocks(docs: Path = DOCS) -> list[Block]:
    """Found afresh on every run: pages and blocks change while others write."""
    return [block for page in sorted(docs.rglob("*.md")) for block in page_blocks(page)]
