"""MkDocs hook: emoji shortcodes never load an image from another host.

Material's `to_svg` generator inlines its bundled icons (`:material-email-outline:`), but hands a
Unicode emoji (`:rocket:`) to pymdownx, which writes an `<img>` from a CDN: a third-party request on
every page that uses one. Here icons stay inlined SVG and an emoji is written as the character
itself, drawn by the reader's own emoji font.
"""

from material.extensions.emoji import to_svg
from pymdownx.emoji import to_alt

EMOJI = "pymdownx.emoji"


def local_emoji(index, shortname, alias, uc, alt, title, category, options, md):
    if uc:  # a Unicode emoji: its character, not a CDN image
        return to_alt(index, shortname, alias, uc, alt, title, category, options, md)
    return to_svg(index, shortname, alias, uc, alt, title, category, options, md)


def on_config(config, **kwargs):
    if EMOJI in config.markdown_extensions:
        config.mdx_configs.setdefault(EMOJI, {})["emoji_generator"] = local_emoji
    return config
