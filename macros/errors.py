"""The one error the macros raise when a page asks for something the spec does not have."""

from __future__ import annotations


class MacroError(Exception):
    """A macro call failed. The message names the page and the macro call, so that a failed build
    (mkdocs-macros prints the exception, then exits because `on_error_fail` is on) points the
    writer at the exact call to fix."""

    def __init__(self, page: str, call: str, problem: str) -> None:
        # `page` is the source file, with `:line` when the call could be located
        self.page = page
        self.call = call
        self.problem = problem
        super().__init__(f"{page}: {call}: {problem}")
