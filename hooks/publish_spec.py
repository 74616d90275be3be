"""MkDocs hook: publish the one spec at /openapi.yaml beside the site.

static-i18n builds the default language first and then runs a nested build per other language
(into site/en/). The spec is the same for every language, so it is written once, by the first build.
"""

import shutil
from pathlib import Path

from mkdocs.exceptions import PluginError

SPEC = Path(__file__).resolve().parent.parent / "spec" / "openapi.yaml"


def on_post_build(config, **kwargs):
    i18n = config.plugins.get("i18n")
    if i18n is not None and getattr(i18n, "building", False):
        return  # a nested per-language build: the root copy already exists
    if not SPEC.is_file():
        raise PluginError(f"{SPEC}: the OpenAPI spec is missing; every page and the console need it")
    shutil.copyfile(SPEC, Path(config["site_dir"]) / "openapi.yaml")
