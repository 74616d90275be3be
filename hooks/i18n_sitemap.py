"""MkDocs hook: the sitemap at every language root.

Material's instant navigation reads `sitemap.xml` beside the language's home (`/en/sitemap.xml` for
English pages) to know which links it may load in place; static-i18n writes one sitemap, at the
root, listing both languages. A copy under each other language's folder stops the 404 on every
English page and lets instant navigation work there too.
"""

import shutil
from pathlib import Path

from mkdocs.plugins import event_priority


@event_priority(-110)  # after static-i18n (-100) has run the nested per-language builds
def on_post_build(config, **kwargs):
    i18n = config.plugins.get("i18n")
    if i18n is None or getattr(i18n, "building", False):
        return
    site = Path(config["site_dir"])
    for lang in getattr(i18n, "build_languages", []):
        if lang == i18n.default_language or not (site / lang).is_dir():
            continue
        for name in ("sitemap.xml", "sitemap.xml.gz"):
            if (site / name).is_file():
                shutil.copyfile(site / name, site / lang / name)
