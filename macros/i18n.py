"""Which language a page is built in, the ko/en UI strings the macros print, and localized spec
text (`x-i18n.ko` beside the English fields)."""

from __future__ import annotations

from typing import Any

LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "ko"


def page_language(page: Any) -> str:
    """The language being built for this page.

    static-i18n sets `file.locale_alternate_of` to the language of the build (`file.locale` is the
    source file's language, which differs on fallback pages); the URL prefix is the fallback."""
    lang = getattr(getattr(page, "file", None), "locale_alternate_of", None)
    if lang in LANGUAGES:
        return lang
    url = getattr(page, "url", "") or ""
    return "en" if url.lstrip("/").startswith("en/") else DEFAULT_LANGUAGE


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang


def localized(node: dict[str, Any] | None, field: str, lang: str) -> str:
    """`node[field]` in `lang`: English is the plain field, Korean lives in `x-i18n.ko`.

    A missing Korean text falls back to the English one (the spec tests require every Korean text;
    the pages should not break while a translation is being written)."""
    if not node:
        return ""
    if lang != "en":
        text = ((node.get("x-i18n") or {}).get(lang) or {}).get(field)
        if text:
            return str(text)
    value = node.get(field)
    return "" if value is None else str(value)


STRINGS: dict[str, dict[str, str]] = {
    # table headers
    "method": {"ko": "메서드", "en": "Method"},
    "path": {"ko": "경로", "en": "Path"},
    "auth": {"ko": "인증", "en": "Auth"},
    "summary": {"ko": "설명", "en": "Summary"},
    "name": {"ko": "이름", "en": "Name"},
    "field": {"ko": "필드", "en": "Field"},
    "in": {"ko": "위치", "en": "In"},
    "type": {"ko": "타입", "en": "Type"},
    "required": {"ko": "필수", "en": "Required"},
    "constraints": {"ko": "제약", "en": "Constraints"},
    "description": {"ko": "설명", "en": "Description"},
    "status": {"ko": "HTTP 상태", "en": "HTTP status"},
    "code": {"ko": "에러 코드", "en": "Error code"},
    "message": {"ko": "메시지", "en": "Message"},
    "setting": {"ko": "규칙", "en": "Rule"},
    "default": {"ko": "기본값", "en": "Default"},
    # cell values
    "yes": {"ko": "예", "en": "Yes"},
    "no": {"ko": "아니요", "en": "No"},
    "none": {"ko": "없음", "en": "None"},
    "in.path": {"ko": "경로", "en": "path"},
    "in.query": {"ko": "쿼리", "en": "query"},
    "in.header": {"ko": "헤더", "en": "header"},
    "in.cookie": {"ko": "쿠키", "en": "cookie"},
    "auth.key": {"ko": "API 키", "en": "API key"},
    "auth.bearer": {"ko": "API 키 + 액세스 토큰", "en": "API key + access token"},
    "auth.none": {"ko": "없음(URL이 자격 증명)", "en": "None (the URL is the credential)"},
    "sandbox_only": {"ko": "샌드박스 전용", "en": "Sandbox only"},
    "bearer_header": {"ko": "`Bearer {accessToken}` 형식입니다.", "en": "`Bearer {accessToken}`."},
    # section labels
    "parameters": {"ko": "파라미터", "en": "Parameters"},
    "request_body": {"ko": "요청 본문", "en": "Request body"},
    "no_body": {"ko": "요청 본문이 없습니다.", "en": "No request body."},
    "no_parameters": {"ko": "파라미터가 없습니다.", "en": "No parameters."},
    "variant": {"ko": "요청 형식", "en": "Variant"},
    "response_body": {"ko": "응답 본문", "en": "Response body"},
    "no_response_body": {"ko": "응답 본문이 없습니다.", "en": "No response body."},
    "raw_response_body": {"ko": "응답 본문은 파일 원본({media})입니다.", "en": "The body is the raw file ({media})."},
    "example": {"ko": "예시", "en": "Example"},
    "no_errors": {
        "ko": "이 엔드포인트만의 에러 코드는 없습니다.",
        "en": "This endpoint has no error codes of its own.",
    },
    "common_errors": {
        "ko": "모든 엔드포인트에 공통인 에러는 [에러 코드]({link})에 있습니다.",
        "en": "Errors every endpoint can return are listed in [Error codes]({link}).",
    },
    # operation() sub-headings
    "h.request": {"ko": "요청", "en": "Request"},
    "h.response": {"ko": "응답", "en": "Response"},
    "h.errors": {"ko": "에러", "en": "Errors"},
    "h.samples": {"ko": "코드 예제", "en": "Code samples"},
    "h.console": {"ko": "API 콘솔", "en": "API console"},
    # constraints, with {placeholders}
    "c.length_range": {"ko": "{min}~{max}자", "en": "{min}–{max} characters"},
    "c.length_min": {"ko": "{min}자 이상", "en": "at least {min} characters"},
    "c.length_max": {"ko": "{max}자 이하", "en": "at most {max} characters"},
    "c.range": {"ko": "{min}~{max}", "en": "{min}–{max}"},
    "c.min": {"ko": "{min} 이상", "en": "≥ {min}"},
    "c.max": {"ko": "{max} 이하", "en": "≤ {max}"},
    "c.items_range": {"ko": "항목 {min}~{max}개", "en": "{min}–{max} items"},
    "c.items_min": {"ko": "항목 {min}개 이상", "en": "at least {min} items"},
    "c.items_max": {"ko": "항목 {max}개 이하", "en": "at most {max} items"},
    "c.enum": {"ko": "{values} 중 하나", "en": "one of {values}"},
    "c.const": {"ko": "항상 {value}", "en": "always {value}"},
    "c.default": {"ko": "기본값 {value}", "en": "default {value}"},
    "c.pattern": {"ko": "패턴 {value}", "en": "pattern {value}"},
    "c.format": {"ko": "형식 {value}", "en": "format {value}"},
    "c.nullable": {"ko": "`null` 허용", "en": "may be `null`"},
    # password policy rules
    "p.minLength": {"ko": "최소 길이", "en": "Minimum length"},
    "p.maxLength": {"ko": "최대 길이", "en": "Maximum length"},
    "p.requireUppercase": {"ko": "대문자 포함", "en": "Requires an upper-case letter"},
    "p.requireLowercase": {"ko": "소문자 포함", "en": "Requires a lower-case letter"},
    "p.requireNumber": {"ko": "숫자 포함", "en": "Requires a digit"},
    "p.requireNumbers": {"ko": "숫자 포함", "en": "Requires a digit"},
    "p.requireDigit": {"ko": "숫자 포함", "en": "Requires a digit"},
    "p.requireSpecial": {"ko": "특수문자 포함", "en": "Requires a special character"},
    "p.requireSpecialChar": {"ko": "특수문자 포함", "en": "Requires a special character"},
    "p.requireSpecialCharacter": {"ko": "특수문자 포함", "en": "Requires a special character"},
    "p.requireSpecialChars": {"ko": "특수문자 포함", "en": "Requires a special character"},
    "p.expiryDays": {"ko": "비밀번호 만료", "en": "Password expiry"},
    "p.expirationDays": {"ko": "비밀번호 만료", "en": "Password expiry"},
    "p.characters": {"ko": "{n}자", "en": "{n} characters"},
    "p.days": {"ko": "{n}일", "en": "{n} days"},
    "p.never": {"ko": "만료 없음", "en": "Never"},
    # code-sample comments
    "s.key": {
        "ko": "bkend 콘솔에서 발급한 퍼블리셔블 키",
        "en": "your publishable key from the bkend console",
    },
    "s.token": {"ko": "로그인 응답의 accessToken", "en": "the accessToken from sign-in"},
    "s.file": {
        "ko": "업로드할 파일: <input type=\"file\">에서 고른 File(또는 Blob)",
        "en": "the file to upload: a File (or Blob) picked with <input type=\"file\">",
    },
    "s.no_helper_upload": {
        "ko": "파일 원본을 보내는 요청이라 JSON을 보내는 bkendFetch 대신 fetch를 씁니다",
        "en": "this request sends a raw file, so it uses fetch instead of bkendFetch (which sends JSON)",
    },
    "s.no_helper_redirect": {
        "ko": "리다이렉트로 응답하는 엔드포인트라 bkendFetch 대신 fetch로 리다이렉트를 따르지 않고 확인합니다",
        "en": "this endpoint answers with a redirect, so fetch shows it instead of bkendFetch following it",
    },
    "s.no_helper_signed": {
        "ko": "URL 자체가 자격 증명이라 키를 붙이는 bkendFetch 대신 fetch를 씁니다",
        "en": "the URL alone is the credential, so it uses fetch instead of bkendFetch (which adds the key)",
    },
    "s.helper": {
        "ko": "bkendFetch는 API 키와 액세스 토큰을 붙이고, 토큰이 만료되면 갱신한 뒤 다시 요청합니다",
        "en": "bkendFetch adds the API key and the access token, and refreshes an expired token",
    },
}

# Units for lifetimes in words; the largest unit that divides the value evenly is used.
UNITS: tuple[tuple[int, dict[str, tuple[str, str]]], ...] = (
    (86400, {"ko": ("일", "일"), "en": ("day", "days")}),
    (3600, {"ko": ("시간", "시간"), "en": ("hour", "hours")}),
    (60, {"ko": ("분", "분"), "en": ("minute", "minutes")}),
    (1, {"ko": ("초", "초"), "en": ("second", "seconds")}),
)


def ui(key: str, lang: str, **values: object) -> str:
    text = STRINGS[key][check_language(lang)]
    return text.format(**values) if values else text


def has_ui(key: str) -> bool:
    return key in STRINGS


def duration(seconds: int, lang: str) -> str:
    """3600 -> "1시간" / "1 hour"; 86400 -> "24시간" / "24 hours" (a day reads better in hours
    until there are two of them); 604800 -> "7일" / "7 days"."""
    check_language(lang)
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds <= 0:
        raise ValueError(f"a lifetime must be a positive number of seconds, got {seconds!r}")
    for size, names in UNITS:
        if seconds % size == 0 and (size != 86400 or seconds >= 2 * 86400):
            n = seconds // size
            one, many = names[lang]
            return f"{n}{one}" if lang == "ko" else f"{n} {one if n == 1 else many}"
    raise AssertionError("unreachable: every integer is a whole number of seconds")
