"""GitBook's Font Awesome icons (`<i class="fa-bolt">:bolt:</i>`) as Material icon shortcodes.

GitBook writes an icon as an `<i>` element whose text is the icon's name between colons; here it
would show as italic `:bolt:`. Material ships the Font Awesome icons and its emoji extension inlines
them as SVG (nothing is loaded from another host): `:fontawesome-solid-bolt:`. An icon Material does
not have is dropped.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import material

from importer.mdscan import MASK, mask_code

_ICONS = Path(material.__file__).resolve().parent / "templates" / ".icons" / "fontawesome"
_ICON = re.compile(r"""<i\s+class=["']fa-(?P<name>[a-z0-9-]+)(?:\s[^"']*)?["'][^>]*>[^<]*</i>""")


@cache
def shortcode(name: str) -> str:
    for style in ("solid", "regular", "brands"):
        if (_ICONS / style / f"{name}.svg").is_file():
            return f":fontawesome-{style}-{name}:"
    return ""


def convert_icons(text: str) -> str:
    if "<i" not in text:
        return text
    masked = mask_code(text)
    return _ICON.sub(lambda m: m.group() if MASK in masked[m.start() : m.end()] else shortcode(m["name"]), text)
