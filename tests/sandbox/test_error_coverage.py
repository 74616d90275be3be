"""Every error code a handler can answer with is documented: in the operation's `x-errors`, or as a
common code (`x-error-codes` entries with `common: true`). The codes come from a static scan of the
sandbox's source (raised_codes.py), so branches no flow test reaches count too."""

from __future__ import annotations

import pytest

from sandbox.spec import Spec
from tests.sandbox.raised_codes import Scanner

SCANNER = Scanner()


@pytest.fixture(scope="module")
def common(spec: Spec) -> set[str]:
    return {code for code, entry in spec.raw["x-error-codes"].items() if entry.get("common")}


def test_every_code_a_handler_raises_is_documented(spec: Spec, common: set[str]) -> None:
    undocumented = {
        op_id: sorted(SCANNER.handler_codes(op_id) - set(op.x_errors) - common)
        for op_id, op in spec.operations.items()
    }
    assert {op_id: codes for op_id, codes in undocumented.items() if codes} == {}


def test_the_scan_sees_what_handlers_raise() -> None:
    # Direct raises, codes raised by called module functions, and rate-limit rules that are hit.
    sign_in = SCANNER.handler_codes("emailSignIn")
    assert {"auth/invalid-credentials", "auth/mfa-required", "auth/invalid-email", "auth/too-many-login-attempts",
            "auth/too-many-requests"} <= sign_in
    assert {"auth/verification-token-expired", "auth/mfa-required"} <= SCANNER.handler_codes("completeMagicLink")
    # Resetting a limiter's count is no 429.
    assert "auth/too-many-login-attempts" not in SCANNER.handler_codes("confirmPasswordReset")
    # A code chosen by `... in x_errors` is answered only where it is documented.
    assert "auth/user-not-found" not in SCANNER.handler_codes("listLinkedAccounts")
    assert "auth/invalid-token" in SCANNER.handler_codes("listLinkedAccounts")
    # The slug conflict belongs to the public settings alone.
    assert "user/slug-already-exists" in SCANNER.handler_codes("updateUserPublicSettings")
    assert "user/slug-already-exists" not in SCANNER.handler_codes("updateUserProfile")
