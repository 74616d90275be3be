"""Password hashing (argon2id, OWASP's 19 MiB / t=2 / p=1 profile) and the password policy."""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)

# argon2 takes 19 MiB per hash and a core for ~25 ms: two at once keep a small server's memory under
# 150 MiB under load (more would only queue for the same cores) and bound a cheap DoS.
_HASH_SLOTS = threading.BoundedSemaphore(2)

# Verified when the account does not exist, so an unknown e-mail costs as much as a wrong password.
_DUMMY_HASH = HASHER.hash("not-a-real-password-just-burning-time")

# A short list of the most common passwords (NIST 800-63B asks for a blocklist check).
COMMON_PASSWORDS = frozenset(
    """
    password password1 password12 password123 password1234 passw0rd p@ssw0rd p@ssword 12345678
    123456789 1234567890 123123123 11111111 00000000 87654321 12341234 qwertyui qwerty123 qwertyuiop
    1q2w3e4r 1q2w3e4r5t 1qaz2wsx asdfghjk asdfasdf zxcvbnm1 iloveyou iloveyou1 sunshine princess
    football baseball welcome1 welcome123 letmein1 admin123 administrator abc12345 abcd1234
    trustno1 superman starwars dragon123 monkey123 changeme changeme1 secret123 computer
    """.split()
)


def guessable(password: str) -> bool:
    """On the blocklist once lowercased and stripped of the digits and symbols people append
    (`Password1!` is `password`), or one character repeated (`aaaaaaaa`)."""
    lowered = password.lower()
    core = lowered.rstrip("0123456789!@#$%^&*.?_-+=~ ")
    return (lowered in COMMON_PASSWORDS or core in COMMON_PASSWORDS or len(set(lowered)) <= 2
            or any(lowered.startswith(word) and len(word) >= 6 and not lowered[len(word):].isalpha()
                   for word in KEYBOARD_WALKS))


KEYBOARD_WALKS = ("qwerty", "asdfgh", "zxcvbn", "123456", "qazwsx", "1q2w3e")


class PasswordFormatError(ValueError):
    """Too short or too long (code points after NFKC)."""


class WeakPasswordError(ValueError):
    """Allowed by length, refused by the policy (common password, missing character class)."""


@dataclass(frozen=True)
class PasswordPolicy:
    min_length: int = 8
    max_length: int = 128
    require_uppercase: bool = False
    require_lowercase: bool = False
    require_number: bool = False
    require_special: bool = False

    @classmethod
    def from_spec(cls, policy: Mapping[str, Any]) -> PasswordPolicy:
        return cls(
            min_length=int(policy.get("minLength", 6)),
            max_length=int(policy.get("maxLength", 128)),
            require_uppercase=bool(policy.get("requireUppercase", False)),
            require_lowercase=bool(policy.get("requireLowercase", False)),
            require_number=bool(policy.get("requireNumbers", False)),
            require_special=bool(policy.get("requireSpecialChars", False)),
        )

    def check(self, password: str, *, email: str | None = None) -> str:
        """Return the normalized password, or raise PasswordFormatError / WeakPasswordError."""
        normalized = normalize(password)
        if not self.min_length <= len(normalized) <= self.max_length:
            raise PasswordFormatError(
                f"Password must be {self.min_length} to {self.max_length} characters long."
            )
        if guessable(normalized) or (email and normalized.lower() == email.lower()):
            raise WeakPasswordError("This password is too common; choose a less guessable one.")
        missing = []
        if self.require_uppercase and not any(c.isupper() for c in normalized):
            missing.append("an uppercase letter")
        if self.require_lowercase and not any(c.islower() for c in normalized):
            missing.append("a lowercase letter")
        if self.require_number and not any(c.isdigit() for c in normalized):
            missing.append("a digit")
        if self.require_special and all(c.isalnum() for c in normalized):
            missing.append("a special character")
        if missing:  # bkend: a rule of the policy not met is a format error; weak = a known (leaked) password
            raise PasswordFormatError("Password needs " + ", ".join(missing) + ".")
        return normalized


def normalize(password: str) -> str:
    """NFKC, so the same password typed on different keyboards/IMEs hashes the same."""
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    with _HASH_SLOTS:
        return HASHER.hash(normalize(password))


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant work whether or not the account (or its password) exists."""
    try:
        with _HASH_SLOTS:
            matched = HASHER.verify(stored_hash or _DUMMY_HASH, normalize(password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    # A missing (or empty) hash only burned time: it never matches, not even the dummy's password.
    return matched and bool(stored_hash)
