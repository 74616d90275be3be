"""MkDocs hook: one 404 page per language.

Every language build of static-i18n writes `404.html` at the site root, so the last (English) build
overwrites the Korean page. This hook keeps the Korean page at /404.html and puts the English one at
/en/404.html. The root page, which static hosts serve for any missing URL, shows the English page in
place when the missing URL is under /en/ (see overrides/404.html).
"""

from pathlib import Path

from mkdocs.plugins import event_priority

_default_language_404: str | None = None


def _in_nested_language_build(config) -> bool:
    i18n = config.plugins.get("i18n")
    return i18n is not None and getattr(i18n, "building", False)


def on_post_template(output_content, template_name, config, **kwargs):
    global _default_language_404
    if template_name == "404.html" and not _in_nested_language_build(config):
        _default_language_404 = output_content
    return output_content


@event_priority(-110)  # after static-i18n (-100) has run the nested per-language builds
def on_post_build(config, **kwargs):
    if _in_nested_language_build(config) or _default_language_404 is None:
        return
    site = Path(config["site_dir"])
    built_last = site / "404.html"
    i18n = config.plugins.get("i18n")
    others = [lang for lang in getattr(i18n, "build_languages", []) if lang != i18n.default_language]
    if built_last.exists() and others:
        (site / others[-1]).mkdir(exist_ok=True)
        built_last.replace(site / others[-1] / "404.html")
    built_last.write_text(_default_language_404, encoding="utf-8")
