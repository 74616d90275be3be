"""String formats checked stricter than openapi-core's defaults (which accept any `@` as an e-mail
and skip `uri` without an extra library), so what the sandbox accepts it can also return."""

from __future__ import annotations

import copy
import re
from typing import Any

from jsonschema import FormatChecker
from openapi_core.validation.schemas.factories import DialectSchemaValidatorsFactory
from openapi_schema_validator import OAS31_BASE_DIALECT_ID, OAS30ReadValidator, OAS31Validator

# RFC 5322 dot-atom local part (ASCII), then DNS labels with at least one dot.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL_RE = re.compile(rf"^{_ATEXT}(?:\.{_ATEXT})*@{_LABEL}(?:\.{_LABEL})+$")

# RFC 3986: a scheme, then only unreserved / reserved characters and %-escapes.
URI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")


def normalize_email(value: str) -> str:
    return value.strip().lower()


def is_email(value: Any) -> bool:
    """Judged on the normalized form (trimmed, lowercased), the one the sandbox stores."""
    if not isinstance(value, str):
        return True  # not a string: the `type` keyword reports it
    email = normalize_email(value)
    local = email.split("@", 1)[0]
    return len(email) <= 254 and len(local) <= 64 and EMAIL_RE.match(email) is not None


def is_uri(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    return URI_RE.match(value) is not None


FORMAT_VALIDATORS = {"email": is_email, "uri": is_uri}


class _OnceFormatsFactory(DialectSchemaValidatorsFactory):
    """openapi-core deep-copies its format checker for every schema it validates (a third of a
    request's time here); ours is built once and never changed, so it can be shared."""

    def get_format_checker(self, format_validators: Any = None, extra_format_validators: Any = None) -> FormatChecker:
        return self.format_checker


def schema_validators_factory() -> DialectSchemaValidatorsFactory:
    """OpenAPI 3.1 validation as openapi-core does it (its 3.0 format checker, for byte/binary),
    with our `email` and `uri`."""
    checker = copy.deepcopy(OAS30ReadValidator.FORMAT_CHECKER)
    for name, check in FORMAT_VALIDATORS.items():
        checker.checks(name)(check)
    return _OnceFormatsFactory(OAS31Validator, OAS31_BASE_DIALECT_ID, format_checker=checker)
