"""The spec is a valid OpenAPI 3.1 document and every example satisfies its schema."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename
from referencing import Registry

from tests.spec.spec_walk import SPEC_PATH, SPEC_URI, Example, examples, load_spec

EXAMPLES = list(examples(load_spec()))


def test_spec_is_valid_openapi_31() -> None:
    spec_dict, base_uri = read_from_filename(str(SPEC_PATH))
    assert spec_dict["openapi"].startswith("3.1.")
    validate(spec_dict, base_uri=base_uri)


def test_examples_are_found() -> None:
    # Guards the walker: each kind of example location must be reached.
    where = {e.where for e in EXAMPLES}
    expected = [
        "/paths/~1v1~1auth~1email~1signup/post/requestBody/content/application~1json/examples/magiclink/value",
        "/paths/~1v1~1auth~1me/get/responses/200/content/application~1json/example",
        "/paths/~1v1~1users/get/parameters/2/example",
        "/components/parameters/UserId/example",
        "/components/headers/RetryAfter/example",
        "/components/responses/TooManyRequests/content/application~1json/example",
        "/components/schemas/ObjectId/examples/0",
    ]
    assert [w for w in expected if w not in where] == []
    assert len(EXAMPLES) > 130


def validator_for(registry: Registry, schema_pointer: str) -> Draft202012Validator:
    schema = {"$ref": f"{SPEC_URI}#{schema_pointer}"}
    return Draft202012Validator(schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.where for e in EXAMPLES])
def test_example_matches_schema(example: Example, registry: Registry) -> None:
    errors = sorted(validator_for(registry, example.schema_pointer).iter_errors(example.value), key=str)
    assert not errors, "\n".join(f"{example.where}: {e.message} (at {list(e.absolute_path)})" for e in errors)


@pytest.mark.parametrize(
    ("schema_pointer", "bad_value", "expected"),
    [
        # The validator really checks: a wrong value for each kind of constraint fails, and with the
        # error for that constraint (not any error). For a oneOf, the branch's own error must be there.
        ("/components/schemas/ObjectId", "6651A8E2C9B1F2A3D4E5F601",
         {"'6651A8E2C9B1F2A3D4E5F601' does not match '^[0-9a-f]{24}$'"}),
        ("/components/schemas/Email", "not-an-email", {"'not-an-email' is not a 'email'"}),
        ("/components/schemas/Timestamp", "2025-05-25 09:30:00",
         {"'2025-05-25 09:30:00' is not a 'date-time'", "'2025-05-25 09:30:00' does not match 'Z$'"}),
        ("/components/schemas/EmailSignInRequest", {"method": "magiclink", "email": "a@example.com"},
         {"oneOf: 'callbackUrl' is a required property"}),
        (
            "/components/schemas/EmailSignInRequest",
            {
                "method": "magiclink",
                "email": "a@example.com",
                "token": "8f3b2c1d9e7a4f6b",
                "callbackUrl": "https://a.example",
            },
            {"oneOf: Additional properties are not allowed ('token' was unexpected)"},
        ),
        (
            "/components/schemas/PasswordSignUpRequest",
            {"method": "password", "email": "a@example.com", "password": "short", "name": "A"},
            {"password: 'short' is too short"},
        ),
        ("/components/schemas/UpdateUserProfileRequest", {"mobile": "010-1234-5678"},
         {"mobile: '010-1234-5678' does not match '^\\\\+[1-9][0-9]{6,14}$'"}),
        (
            "/components/schemas/TokenResponse",
            {"accessToken": "a", "refreshToken": "b", "tokenType": "bearer", "expiresIn": 3600},
            {"tokenType: 'Bearer' was expected"},
        ),
    ],
)
def test_validator_rejects_bad_values(schema_pointer: str, bad_value: Any, expected: set[str],
                                      registry: Registry) -> None:
    found = set()
    for error in validator_for(registry, schema_pointer).iter_errors(bad_value):
        where = "/".join(map(str, error.absolute_path))
        if error.validator == "oneOf":
            found |= {f"oneOf: {branch.message}" for branch in error.context or []}
        else:
            found.add(f"{where}: {error.message}" if where else error.message)
    # Exactly these errors; for a oneOf, the other branches' errors may come along.
    assert expected <= found, found
    assert all(e.startswith("oneOf: ") for e in found - expected), found - expected
