"""Copy the self-hosted front-end assets from node_modules into overrides/assets/vendor/.

The versions are pinned in package.json and locked (with integrity hashes) in package-lock.json;
`make assets` runs `npm ci` and then this script. The copies are not committed.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "overrides" / "assets" / "vendor"

# (package, file or folder inside the package, destination inside VENDOR)
ASSETS = [
    ("mermaid", "dist/mermaid.min.js", "mermaid/mermaid.min.js"),
    ("pretendard", "dist/web/variable/pretendardvariable-dynamic-subset.css", "pretendard/pretendard.css"),
    ("pretendard", "dist/web/variable/woff2-dynamic-subset", "pretendard/woff2-dynamic-subset"),
    ("pretendard", "dist/LICENSE.txt", "pretendard/LICENSE.txt"),
]


def main() -> int:
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    versions = {}
    for package, source, dest in ASSETS:
        src = NODE_MODULES / package / source
        if not src.exists():
            print(f"vendor_assets: {src} is missing; run `npm ci` first", file=sys.stderr)
            return 1
        target = VENDOR / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, target)
        else:
            shutil.copyfile(src, target)
        versions[package] = json.loads((NODE_MODULES / package / "package.json").read_text())["version"]
    (VENDOR / "VERSIONS.json").write_text(json.dumps(versions, indent=2, sort_keys=True) + "\n")
    print("vendored: " + ", ".join(f"{name} {version}" for name, version in sorted(versions.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
