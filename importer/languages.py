"""Which folder names are languages: the languages Material for MkDocs has a translation for.

A GitBook repository may hold one folder per language (`ko/`, `en/`, `zh-CN/`) or one folder per
space (`help/`, `api/`); only the first kind is imported as languages without `--lang-map`. The theme's
language must be one Material knows, so a code such as `zh-CN` is given Material's `zh`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import material

_PARTIALS = Path(material.__file__).resolve().parent / "templates" / "partials" / "languages"


@cache
def _material_languages() -> dict[str, str]:
    return {p.stem.lower(): p.stem for p in _PARTIALS.glob("*.html")}


def material_language(code: str) -> str | None:
    """Material's name for the language `code` (`pt_br` → `pt-BR`, `zh-CN` → `zh`), or None."""
    known = _material_languages()
    normal = code.replace("_", "-").lower()
    return known.get(normal) or known.get(normal.split("-", 1)[0])
