"""MkDocs hook: compile each theme template once per process, not once per build.

MkDocs makes a new Jinja environment for every build: twice per site build (static-i18n builds
English in a nested build) and again on every `mkdocs serve` reload, and each one compiled Material's
templates from scratch (about a tenth of a build). Jinja's own bytecode cache keeps the compiled
code; it is keyed on the template's name and file and checks a checksum of the source before using
an entry, so an edited template (overrides/) is compiled again.
"""

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


class InMemoryBytecodeCache(BytecodeCache):
    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)  # Jinja drops it when the source checksum differs

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


# MkDocs loads a hook module once per process, so this outlives the builds of one `serve`.
CACHE = InMemoryBytecodeCache()


def on_env(env, config, files, **kwargs):
    env.bytecode_cache = CACHE
    return env
