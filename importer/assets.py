"""Files that pages use (images, downloads), copied to `OUT/<lang>/media/` under URL-safe names.

GitBook keeps uploads in the hidden `.gitbook/assets/` folder, which MkDocs would skip, with names
like `image (3).png`. Each file is copied once, however many pages use it; two different files with
the same cleaned-up name get `-2`, `-3`, ... suffixes.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path, PurePosixPath

MEDIA = "media"
_UNSAFE = re.compile(r"""[\s()\[\]<>{}#?%"'&|\\^`]+""")


# MkDocs would build a downloaded Markdown file as a page: it is kept as text instead.
_PAGE_SUFFIXES = {".md", ".markdown", ".mdown", ".mkdn", ".mkd"}


def clean_name(name: str) -> str:
    path = PurePosixPath(name)
    stem = _UNSAFE.sub("-", path.stem).strip("-") or "file"
    suffix = _UNSAFE.sub("", path.suffix)
    if suffix.lower() in _PAGE_SUFFIXES:
        suffix += ".txt"
    return stem + suffix


class AssetStore:
    def __init__(self) -> None:
        self._by_source: dict[Path, str] = {}
        self._taken: set[str] = set()

    def add(self, source: Path) -> str:
        """Register a source file; returns its path relative to the language folder (media/x.png)."""
        source = source.resolve()
        if source not in self._by_source:
            name = clean_name(source.name)
            stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
            n = 1
            while name.lower() in self._taken:
                n += 1
                name = f"{stem}-{n}{suffix}"
            self._taken.add(name.lower())
            self._by_source[source] = f"{MEDIA}/{name}"
        return self._by_source[source]

    def __len__(self) -> int:
        return len(self._by_source)

    def copy_into(self, lang_dir: Path) -> None:
        for source, rel in self._by_source.items():
            target = lang_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
