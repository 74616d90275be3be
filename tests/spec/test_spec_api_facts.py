"""Cross-check the hard-coded error table against the facts sheet, when the sheet is present.

The project never needs /work/shared; this test only guards against the table in
error_table.py drifting from the source it was copied from.
"""

from __future__ import annotations

import re

from tests.conftest import SHARED, needs_shared
from tests.spec.error_table import API_FACTS_ERRORS

FACTS = SHARED / "api-facts.md"


def facts_error_table(text: str) -> dict[str, int]:
    """Parse the `## Error codes` section: lines like ``auth: `invalid-email` 400 · ...``."""
    section = text.split("## Error codes", 1)[1].split("\n## ", 1)[0]
    table: dict[str, int] = {}
    for line_prefix, body in re.findall(r"^(auth|user): (.+?)(?=^\S+: |\Z)", section, re.M | re.S):
        for name, status in re.findall(r"`([a-z0-9-]+)` (\d{3})", body):
            table[f"{line_prefix}/{name}"] = int(status)
    return table


@needs_shared("api-facts.md")
def test_hard_coded_table_matches_the_facts_sheet() -> None:
    table = facts_error_table(FACTS.read_text(encoding="utf-8"))
    assert len(table) > 40
    assert table == API_FACTS_ERRORS
