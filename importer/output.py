"""Write the import into a staging folder next to OUT and move it into place only when complete.

Nothing is written until every page converted without errors; then the files go to a hidden staging
folder beside OUT (same file system, so the final step is a rename). An existing OUT is replaced only
with --force, and is renamed aside first so that a failure leaves it as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from importer.space import UsageError


def check_target(out: Path, src: Path, force: bool) -> None:
    """Fail early (before any work) when OUT cannot be written as asked."""
    out_abs, src_abs = out.resolve(), src.resolve()
    if out_abs == src_abs or out_abs in src_abs.parents:
        raise UsageError(f"{out}: OUT must not be SRC or a folder that contains it")
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise UsageError(f"{out}: exists and is not empty (use --force to replace it)")


def publish(out: Path, fill: Callable[[Path], None]) -> None:
    """Call `fill(staging_dir)`, then make the staging folder OUT."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".importing", dir=out.parent))
    aside: Path | None = None
    try:
        fill(staging)
        if out.exists():
            aside = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".replaced", dir=out.parent))
            os.rename(out, aside / "old")
        os.rename(staging, out)
    except BaseException:
        if aside is not None and (aside / "old").exists() and not out.exists():
            os.rename(aside / "old", out)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)
