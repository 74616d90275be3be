"""Errors and warnings found while importing, each tied to a file and (when known) a line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning", "note"]


@dataclass(frozen=True)
class Diagnostic:
    path: Path  # the source file, as the user named it (SRC/...)
    line: int | None
    message: str
    severity: Severity
    # A stable name for the kind of problem, so tools and tests can tell them apart:
    # syntax, unknown-tag, summary, asset-missing, link-outside, broken-link, anchor, remote-image, ...
    kind: str
    # The link or asset exactly as it stays in the output, for the kinds that have one.
    target: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.severity}: {self.message}"


@dataclass
class Report:
    """Collects diagnostics; the pipeline decides at the end whether anything may be written."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, path: Path, line: int | None, message: str, kind: str = "syntax") -> None:
        self.items.append(Diagnostic(path, line, message, "error", kind))

    def warning(
        self, path: Path, line: int | None, message: str, kind: str, target: str | None = None
    ) -> None:
        self.items.append(Diagnostic(path, line, message, "warning", kind, target))

    def note(self, path: Path, line: int | None, message: str) -> None:
        """Something the reader should know that is not a problem (not counted, not failed by --strict)."""
        self.items.append(Diagnostic(path, line, message, "note", "note"))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]


class ImportFailed(Exception):
    """The import stopped before writing anything; `diagnostics` says why (errors first)."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.severity == "error"]
        super().__init__("\n".join(str(d) for d in errors) or "import failed")
