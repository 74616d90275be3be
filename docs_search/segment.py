"""Korean word parts for the search index, from Kiwi (kiwipiepy), cached by content hash.

Readers search by the part of a word they remember: "가입" for 회원가입, "설정" for 재설정. The browser's
lunr only matches a query as a prefix of an indexed token, so every Korean word whose parts are not
prefixes of it contributes those parts (회원가입 -> 가입, 비밀번호를 -> 번호; 토큰을 -> nothing, since
"토큰" already matches it as a prefix).

Loading Kiwi's model takes seconds, so it is loaded only when a text is not in the cache yet; the
cache lives in memory for the process (`mkdocs serve` rebuilds) and on disk under `.cache/search/`
(gitignored), keyed by the text's hash and the Kiwi version.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Any

CACHE_DIR = Path(__file__).resolve().parent.parent / ".cache" / "search"
# Korean morphemes that name things: nouns, numerals, roots. (English words inside a Korean word are
# already split off by the index's separator; verb stems rarely match what readers type.)
CONTENT_TAGS = ("NNG", "NNP", "NR", "XR")
HANGUL = re.compile(r"[\uac00-\ud7a3]")

_lock = threading.Lock()  # the cache
_model_lock = threading.Lock()  # loading the model (kept apart: cache hits never wait for it)
_kiwi: Any = None
_memory: dict[str, list[str]] = {}
_loaded_from: Path | None = None
_dirty = False


@functools.cache
def _cache_file() -> Path:
    from importlib.metadata import version

    return CACHE_DIR / f"kiwi-{version('kiwipiepy')}.json"


def _load_disk_cache() -> None:
    global _loaded_from
    path = _cache_file()
    if _loaded_from == path:
        return
    _loaded_from = path
    try:
        _memory.update(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        pass  # no cache yet, or a half-written one: segment again


def save_cache() -> None:
    """Write the cache to disk if anything new was segmented (atomically: builds may run in parallel)."""
    global _dirty
    with _lock:
        if not _dirty:
            return
        path = _cache_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(_memory, out, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, path)
        _dirty = False


def _analyzer() -> Any:
    global _kiwi
    with _model_lock:
        if _kiwi is None:
            from kiwipiepy import Kiwi

            _kiwi = Kiwi()
    return _kiwi


def preload() -> None:
    """Load the model now (`mkdocs serve` does, in the background, so the first page edit that
    changes Korean text does not wait seconds for it)."""
    _analyzer()


def _word_parts(word: str, morphemes: list[str]) -> list[str]:
    lowered = word.lower()
    parts = []
    for form in morphemes:
        form = form.lower()
        if len(form) > 1 and HANGUL.search(form) and not lowered.startswith(form) and form not in parts:
            parts.append(form)
    return parts


def _segment(text: str) -> list[str]:
    words = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", text)]
    morphemes: list[list[str]] = [[] for _ in words]
    w = 0
    for token in _analyzer().tokenize(text):
        while w < len(words) and words[w][1] <= token.start:
            w += 1
        if w < len(words) and token.tag in CONTENT_TAGS:
            morphemes[w].append(token.form)
    parts: list[str] = []
    for (_, _, word), forms in zip(words, morphemes, strict=True):
        if HANGUL.search(word):
            parts.extend(p for p in _word_parts(word, forms) if p not in parts)
    return parts


def korean_parts(text: str) -> list[str]:
    """The parts of the Korean words of `text` that a prefix match would miss, in order of appearance."""
    global _dirty
    if not HANGUL.search(text):
        return []
    key = hashlib.sha1(text.encode("utf-8")).hexdigest()
    with _lock:
        _load_disk_cache()
        cached = _memory.get(key)
        if cached is None:
            cached = _memory[key] = _segment(text)
            _dirty = True
    return cached
