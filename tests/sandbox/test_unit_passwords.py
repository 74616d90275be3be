"""sandbox/passwords.py in-process: the policy read from the spec, each refusal with its message,
argon2id's parameters, and verification (a missing hash never matches, not even the dummy's
password). Fast on purpose: `make mutate` runs these for each mutant of the module."""

from __future__ import annotations

import pytest

from sandbox import passwords
from sandbox.passwords import (
    PasswordFormatError,
    PasswordPolicy,
    WeakPasswordError,
    guessable,
    hash_password,
    normalize,
    verify_password,
)

DUMMY_PASSWORD = "not-a-real-password-just-burning-time"


def test_policy_defaults_when_the_spec_says_nothing() -> None:
    # bkend's default minimum is 6 (the dataclass's own default, 8, is for direct use).
    assert PasswordPolicy.from_spec({}) == PasswordPolicy(6, 128, False, False, False, False)


def test_policy_reads_every_key_of_the_spec() -> None:
    spec = {"minLength": "10", "maxLength": 64, "requireUppercase": 1, "requireLowercase": True,
            "requireNumbers": True, "requireSpecialChars": True}
    assert PasswordPolicy.from_spec(spec) == PasswordPolicy(10, 64, True, True, True, True)
    for key, field in [("requireUppercase", 2), ("requireLowercase", 3), ("requireNumbers", 4),
                       ("requireSpecialChars", 5)]:
        one = PasswordPolicy.from_spec({key: True})
        assert [one.require_uppercase, one.require_lowercase, one.require_number, one.require_special] == [
            i == field for i in range(2, 6)], key


def refusal(policy: PasswordPolicy, password: str, email: str | None = None) -> tuple[type, str]:
    with pytest.raises((PasswordFormatError, WeakPasswordError)) as caught:
        policy.check(password, email=email)
    return type(caught.value), str(caught.value)


def test_length_boundaries_in_code_points_after_nfkc() -> None:
    policy = PasswordPolicy(min_length=8, max_length=10)
    assert policy.check("abcdefgh") == "abcdefgh"
    assert policy.check("abcdefghij") == "abcdefghij"
    message = "Password must be 8 to 10 characters long."
    assert refusal(policy, "abcdefg") == (PasswordFormatError, message)
    assert refusal(policy, "abcdefghijk") == (PasswordFormatError, message)
    # "ﬁ" is one code point typed, two after NFKC: the normalized length counts.
    assert policy.check("abcdefﬁ") == "abcdeffi"
    assert refusal(policy, "abcdefghiﬁ") == (PasswordFormatError, message)


def test_common_passwords_and_the_address_itself_are_refused() -> None:
    policy = PasswordPolicy()
    common = (WeakPasswordError, "This password is too common; choose a less guessable one.")
    assert refusal(policy, "Password123") == common
    assert refusal(policy, "ｐａｓｓｗｏｒｄ１２３") == common  # fullwidth: NFKC first
    assert refusal(policy, "Me@Example.com", email="me@example.com") == common
    assert policy.check("me@example.com", email="other@example.com") == "me@example.com"
    assert policy.check("me@example.com", email=None) == "me@example.com"
    assert policy.check("me@example.com", email="") == "me@example.com"


def test_each_required_character_class() -> None:
    strict = PasswordPolicy(require_uppercase=True, require_lowercase=True, require_number=True,
                            require_special=True)
    assert strict.check("Abcdef1!") == "Abcdef1!"
    assert refusal(strict, "abcdefgh") == (
        PasswordFormatError, "Password needs an uppercase letter, a digit, a special character.")
    assert refusal(strict, "ABCDEFG1") == (PasswordFormatError, "Password needs a lowercase letter, a special character.")
    assert refusal(strict, "Abcdefg!") == (PasswordFormatError, "Password needs a digit.")
    assert refusal(strict, "Abcdefg1") == (PasswordFormatError, "Password needs a special character.")
    assert refusal(strict, "abcdef1!") == (PasswordFormatError, "Password needs an uppercase letter.")
    assert PasswordPolicy().check("abcdefgh") == "abcdefgh"  # no class required by default


def test_normalize_is_nfkc() -> None:
    assert normalize("Ａｂｃ①ﬁ") == "Abc1fi"
    assert normalize("\u1100\u1161") == "\uac00"  # jamo compose (NFC part of NFKC)


def test_hash_is_argon2id_with_the_owasp_profile() -> None:
    hashed = hash_password("Corr3ct-Horse-Battery")
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert hashed != hash_password("Corr3ct-Horse-Battery")  # salted
    assert verify_password(hashed, "Corr3ct-Horse-Battery") is True
    assert verify_password(hashed, "Corr3ct-Horse-Batterz") is False
    # Hashed and checked after NFKC: the same password from another keyboard matches.
    assert verify_password(hash_password("Ａｂｃ-ﬁne-Passw0rd"), "Abc-fine-Passw0rd") is True
    assert verify_password(hash_password("Abc-fine-Passw0rd"), "Ａｂｃ-ﬁne-Passw0rd") is True


def test_a_missing_hash_never_matches() -> None:
    assert passwords.HASHER.verify(passwords._DUMMY_HASH, DUMMY_PASSWORD) is True  # the trap is armed
    assert verify_password(None, DUMMY_PASSWORD) is False
    assert verify_password("", DUMMY_PASSWORD) is False
    assert verify_password(None, "anything") is False


def test_a_broken_hash_is_a_mismatch_not_an_error() -> None:
    assert verify_password("not-an-argon2-hash", "whatever1") is False
    assert verify_password("$argon2id$v=19$m=19456,t=2,p=1$broken", "whatever1") is False


@pytest.mark.parametrize(("password", "expected"), [
    ("password", True), ("PassWord", True), ("Password1!", True), ("password123!!", True), ("aaaaaaaa", True),
    ("abababab", True), ("qwerty12", True), ("123456789", True), ("1q2w3e4r!", True), ("qwertyuiop", True),
    ("Corr3ct-Horse", False), ("qwertz12", False), ("passwordx", False), ("abcabcab", False),
    ("qwertyxyz", False), ("Xpassword1", False), ("12345", False), ("zxcvb123", False),
])
def test_guessable(password: str, expected: bool) -> None:
    # The blocklist with digits and symbols stripped from the end, one- or two-character repeats,
    # and a keyboard walk of 6+ followed by something that is not letters only.
    assert guessable(password) is expected
