"""GitBook OpenAPI blocks that name this project's own spec become `{{ operation(...) }}` calls.

`{% openapi src="…" path="/v1/auth/email/signup" method="post" %}` (or `{% openapi-operation
spec="bkend" … %}`) renders a whole operation in GitBook. When the block names the spec given with
`--spec-name` (the `spec=` name, or the file name of `src=` without its extension), the operation is
looked up by method and path in spec/openapi.yaml and the block becomes the macro that renders the
same thing here; any other block becomes a link (render.py).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

SPEC = Path(__file__).resolve().parent.parent / "spec" / "openapi.yaml"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
# Written into the page in place of the macro call, after the Jinja guard (which would otherwise
# protect the call from mkdocs-macros): see pipeline.py.
PLACEHOLDER = "\x1aoperation:{}\x1a"
_PLACEHOLDER = re.compile("\x1aoperation:([^\x1a]+)\x1a")


def _normal(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path.rstrip("/"))


@dataclass
class OurSpec:
    name: str | None  # what GitBook blocks call this project's spec; None: no block is ours
    spec: Path = SPEC
    _operations: dict[tuple[str, str], str] | None = field(default=None, repr=False)

    def names_it(self, attrs: dict[str, str]) -> bool:
        if self.name is None:
            return False
        src = attrs.get("src", "").split("?", 1)[0]
        stem = posixpath.splitext(posixpath.basename(src))[0]
        return self.name in (attrs.get("spec"), stem)

    def operation_id(self, method: str, path: str) -> str | None:
        if self._operations is None:
            document = yaml.safe_load(self.spec.read_text(encoding="utf-8"))
            self._operations = {
                (verb, _normal(p)): op["operationId"]
                for p, item in document.get("paths", {}).items()
                for verb, op in item.items()
                if verb in METHODS and isinstance(op, dict) and "operationId" in op
            }
        return self._operations.get((method.lower(), _normal(path)))


def macro_calls(markdown: str) -> str:
    """Turn the placeholders into the macro calls."""
    return _PLACEHOLDER.sub(lambda m: f'{{{{ operation("{m[1]}") }}}}', markdown)
