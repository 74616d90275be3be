"""Request-validation errors in plain words (sandbox/explain.py): every problem listed, each naming
its field, no Python reprs, in the spec's envelope."""

from __future__ import annotations

import pytest

SIGNUP = "/v1/auth/email/signup"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"email": "a@example.com"}, "`method` is required: it is one of `password`, `magiclink`."),
        ({"method": "zzz", "email": "a@example.com"}, "`method` cannot be `zzz`: it is one of `password`, `magiclink`."),
        (
            {"method": "password", "email": "not-an-email", "password": "short"},
            "`name` is required; `email` must be an e-mail address; `password` must be at least {min} characters long.",
        ),
        (
            {"method": "password", "email": "a@example.com", "password": "Long-enough-9", "name": "A", "extra": 1},
            "`extra` is not a field of this request.",
        ),
    ],
)
def test_every_problem_in_plain_words(api, spec, body: dict, message: str) -> None:
    r = api.post(SIGNUP, json=body)
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "common/invalid-request"
    shortest = spec.password_policy.get("minLength")
    assert error["message"] == f"{spec.errors['common/invalid-request'].message}: {message.format(min=shortest)}"
    for repr_marker in ("{'", "'}", "is not a '", "discriminating property", "could not be resolved"):
        assert repr_marker not in error["message"]
