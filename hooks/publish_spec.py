"""MkDocs hook: publish the one spec at /openapi.yaml beside the site.

The static-i18n plugin builds the site once per language; the spec is the same for both, so it is
written at the site root only (the English build's site_dir is a sub-folder, and skipping it there
keeps one copy).
"""

import shutil
from pathlib import Path

SPEC = Path(__file__).resolve().parent.parent / "spec" / "openapi.yaml"


def on_post_build(config, **kwargs):
    site_dir = Path(config["site_dir"])
    shutil.copyfile(SPEC, site_dir / "openapi.yaml")
