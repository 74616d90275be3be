"""MkDocs hook: theme templates are compiled once, not once per build.

MkDocs makes a new Jinja environment for every build: twice per site build (static-i18n builds
English in a nested build) and again on every `mkdocs serve` reload, and each one compiled Material's
templates from scratch (about a tenth of a build). Jinja's own bytecode cache keeps the compiled
code, in memory for the process and on disk under `.cache/jinja/` for the next build (Jinja's
FileSystemBytecodeCache, which writes atomically and ignores an entry it cannot read). Jinja keys an
entry on the template's name and file and checks a checksum of the source before using it, so an
edited template (overrides/) is compiled again. What else shapes the compiled code (the Jinja and
Python versions, the environment's syntax settings and extensions, and which filters and tests
exist and what they are passed) names the folder the entries live in.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import sys
import tempfile
import types
from pathlib import Path

import jinja2
from jinja2 import BytecodeCache, FileSystemBytecodeCache
from jinja2.bccache import Bucket

CACHE = Path(__file__).resolve().parent.parent / ".cache" / "jinja"


def _callables(table) -> list[str]:
    return sorted(f"{name}:{getattr(func, 'jinja_pass_arg', None)}" for name, func in table.items())


def environment_key(env: jinja2.Environment) -> str:
    """What, besides a template's source, its compiled code depends on."""
    parts = [
        jinja2.__version__,
        sys.version,
        *sorted(env.extensions),
        *(
            repr(getattr(env, name))
            for name in (
                "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
                "comment_start_string", "comment_end_string", "line_statement_prefix",
                "line_comment_prefix", "trim_blocks", "lstrip_blocks", "newline_sequence",
                "keep_trailing_newline", "optimized", "is_async",
            )
        ),
        repr(env.autoescape) if isinstance(env.autoescape, bool) else getattr(env.autoescape, "__qualname__", ""),
        *_callables(env.filters),
        *_callables(env.tests),
    ]
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=8).hexdigest()


class TemplateCache(BytecodeCache):
    """Compiled templates in memory, backed by a folder per kind of environment on disk."""

    def __init__(self, directory: Path | None = None) -> None:
        self._memory: dict[str, bytes] = {}
        self._directory = directory
        self._disk: dict[str, FileSystemBytecodeCache | None] = {}

    def _on_disk(self, folder: str) -> FileSystemBytecodeCache | None:
        if self._directory is None:
            return None
        if folder not in self._disk:
            try:
                (self._directory / folder).mkdir(parents=True, exist_ok=True)
                self._disk[folder] = FileSystemBytecodeCache(str(self._directory / folder))
            except OSError:
                self._disk[folder] = None  # a read-only checkout: memory only
        return self._disk[folder]

    def load_bytecode(self, bucket: Bucket) -> None:
        folder = environment_key(bucket.environment)
        data = self._memory.get(f"{folder}/{bucket.key}")
        if data is not None:
            bucket.bytecode_from_string(data)  # Jinja drops it when the source checksum differs
            return
        disk = self._on_disk(folder)
        if disk is None:
            return
        try:
            disk.load_bytecode(bucket)  # the same check
        except Exception:  # noqa: BLE001 - a damaged file: compiled again, and rewritten
            bucket.reset()
        if bucket.code is not None and not isinstance(bucket.code, types.CodeType):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        folder = environment_key(bucket.environment)
        self._memory[f"{folder}/{bucket.key}"] = bucket.bytecode_to_string()
        disk = self._on_disk(folder)
        if disk is not None:
            try:
                disk.dump_bytecode(bucket)
            except OSError:
                pass


# ---- pages: mkdocs-macros compiles each page's Markdown as a template ---------------------------

_compiled: dict[str, types.CodeType] = {}


def _compile_cached(env: jinja2.Environment, compile_source, source, name=None, filename=None, raw=False, defer_init=False):
    if not isinstance(source, str) or name is not None or filename is not None or raw or defer_init:
        return compile_source(source, name, filename, raw, defer_init)
    folder = environment_key(env)
    digest = hashlib.blake2b(source.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    key = f"{folder}/page-{digest}"
    code = _compiled.get(key)
    if code is not None:
        return code
    path = CACHE / f"{key}.code"
    try:
        code = marshal.loads(path.read_bytes())
    except Exception:  # noqa: BLE001 - none yet, or a damaged file: compiled again, and rewritten
        code = None
    if not isinstance(code, types.CodeType):
        code = compile_source(source, name, filename, raw, defer_init)  # a syntax error raises here
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as f:
                f.write(marshal.dumps(code))
            os.replace(temp, path)
        except OSError:
            pass  # a read-only checkout: memory only
    _compiled[key] = code
    return code


def cache_page_templates(env: jinja2.Environment) -> None:
    """Compile each distinct page source once: `from_string` (mkdocs-macros) goes through compile()."""
    if getattr(env, "_compile_cached", False):
        return
    env.compile = functools.partial(_compile_cached, env, env.compile)  # type: ignore[method-assign]
    env._compile_cached = True  # type: ignore[attr-defined]


# MkDocs loads a hook module once per process, so this outlives the builds of one `serve`.
STORE = TemplateCache(CACHE)


def on_env(env, config, files, **kwargs):
    env.bytecode_cache = STORE
    return env


def on_files(files, config, **kwargs):
    macros = config.plugins.get("macros")
    env = getattr(macros, "_env", None)  # made in its on_config, again for every config load
    if isinstance(env, jinja2.Environment):
        cache_page_templates(env)
    return files
