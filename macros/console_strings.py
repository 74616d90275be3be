"""Every UI string of the in-page API console, in Korean and English, in one table.

`macros/console.py` renders the form's static text from the `html` part and hands the `js` part to
console.js as JSON, so the browser never carries a second copy of these strings. `{name}` marks a
value the code fills in. Korean follows docs/ko/STYLE.md (합니다체, its glossary).
"""

from __future__ import annotations

LANGUAGES = ("ko", "en")

# Text placed in the form by the macro.
HTML_STRINGS: dict[str, dict[str, str]] = {
    "title": {"en": "Try it: {method} {path}", "ko": "직접 호출하기: {method} {path}"},
    "connection": {"en": "Server and credentials", "ko": "서버와 인증 정보"},
    "server": {"en": "Server", "ko": "서버"},
    "server_sandbox": {"en": "Local sandbox ({url})", "ko": "로컬 샌드박스({url})"},
    "server_production": {"en": "bkend production ({url})", "ko": "bkend 프로덕션({url})"},
    "server_custom": {"en": "Custom base URL", "ko": "직접 입력한 기본 URL"},
    "custom_url": {"en": "Custom base URL", "ko": "기본 URL 직접 입력"},
    "api_key": {"en": "API key ({header} header)", "ko": "API 키({header} 헤더)"},
    "bearer_note": {
        "en": "This operation needs a signed-in User: the console sends the access token it captured "
        "from a sign-up, sign-in or refresh answer.",
        "ko": "로그인한 User가 필요한 작업입니다. 콘솔은 회원가입·로그인·토큰 갱신 응답에서 받아 둔 "
        "액세스 토큰을 보냅니다.",
    },
    "signed_out": {"en": "Not signed in.", "ko": "로그인하지 않았습니다."},
    "forget": {"en": "Sign out and forget tokens", "ko": "로그아웃(토큰 지우기)"},
    "path": {"en": "Path parameters", "ko": "경로 파라미터"},
    "query": {"en": "Query parameters", "ko": "쿼리 파라미터"},
    "header": {"en": "Header parameters", "ko": "헤더 파라미터"},
    "body_fields": {"en": "Body fields", "ko": "본문 필드"},
    "body_raw": {"en": "Request body (JSON)", "ko": "요청 본문(JSON)"},
    "example": {"en": "Example", "ko": "예시"},
    "required": {"en": "required", "ko": "필수"},
    "unset": {"en": "(not sent)", "ko": "(보내지 않음)"},
    "outbox": {"en": "Show sandbox outbox and fill the token", "ko": "샌드박스 메일함을 열고 토큰 채우기"},
    "totp_secret": {"en": "TOTP secret (Base32)", "ko": "TOTP 비밀 키(Base32)"},
    "totp_fill": {"en": "Fill one-time code", "ko": "일회용 코드 채우기"},
    "send": {"en": "Send request", "ko": "요청 보내기"},
    "copy_curl": {"en": "Copy as cURL", "ko": "cURL로 복사"},
    "curl_label": {"en": "cURL command", "ko": "cURL 명령"},
    "result": {"en": "Response", "ko": "응답"},
    "history": {"en": "Request history (this session)", "ko": "요청 기록(이번 세션)"},
    "history_empty": {"en": "No requests yet.", "ko": "아직 요청이 없습니다."},
}

# Text console.js builds at run time (statuses, explanations, countdowns).
JS_STRINGS: dict[str, dict[str, str]] = {
    "signedIn": {"en": "Signed in as {who}.", "ko": "{who}(으)로 로그인했습니다."},
    "expiresIn": {"en": "The access token expires in {t}.", "ko": "액세스 토큰이 {t} 후 만료됩니다."},
    "expired": {
        "en": "The access token has expired; the next call refreshes it.",
        "ko": "액세스 토큰이 만료되었습니다. 다음 호출 때 갱신합니다.",
    },
    "signedOut": {"en": "Not signed in.", "ko": "로그인하지 않았습니다."},
    "sending": {"en": "Sending…", "ko": "보내는 중…"},
    "idle": {"en": "No request sent yet.", "ko": "아직 보낸 요청이 없습니다."},
    "status": {"en": "Status {status} · {ms} ms · {size}", "ko": "상태 {status} · {ms}ms · {size}"},
    "sent": {"en": "Request sent (secrets shortened)", "ko": "보낸 요청(비밀 값은 줄여 표시)"},
    "corsHeaders": {
        "en": "The browser shows only the headers this cross-origin server exposes (CORS); "
        "Copy as cURL shows all of them.",
        "ko": "브라우저는 다른 출처 서버가 공개한 헤더만 보여 줍니다(CORS). 모든 헤더는 cURL로 복사해 확인하세요.",
    },
    "copyBody": {"en": "Copy body", "ko": "본문 복사"},
    "copiedBody": {"en": "Copied", "ko": "복사했습니다"},
    "headers": {"en": "Response headers", "ko": "응답 헤더"},
    "body": {"en": "Response body", "ko": "응답 본문"},
    "redirect": {
        "en": "The server answered with a redirect; the browser does not show where it leads. "
        "Copy as cURL to see the Location header.",
        "ko": "서버가 리다이렉트로 응답했습니다. 브라우저는 이동할 주소를 보여 주지 않으므로 cURL로 복사해 "
        "Location 헤더를 확인합니다.",
    },
    "emptyBody": {"en": "(empty body)", "ko": "(본문 없음)"},
    "refreshed": {
        "en": "The access token had expired: the console refreshed it and sent the request again.",
        "ko": "액세스 토큰이 만료되어 콘솔이 토큰을 갱신한 뒤 요청을 한 번 더 보냈습니다.",
    },
    "refreshFailed": {
        "en": "The access token had expired and refreshing it failed: sign in again.",
        "ko": "액세스 토큰이 만료되었고 갱신에도 실패했습니다. 다시 로그인해야 합니다.",
    },
    "noToken": {
        "en": "No access token yet: sign up or sign in with a console first.",
        "ko": "아직 액세스 토큰이 없습니다. 먼저 콘솔에서 회원가입하거나 로그인합니다.",
    },
    "captured": {
        "en": "Tokens captured: consoles on every page now send this access token.",
        "ko": "토큰을 받아 두었습니다. 이제 모든 페이지의 콘솔이 이 액세스 토큰을 보냅니다.",
    },
    "errorDoc": {"en": "What {code} means and what to do", "ko": "{code}의 뜻과 대처 방법"},
    "netError": {
        "en": "The request got no answer ({detail}).",
        "ko": "요청에 대한 응답을 받지 못했습니다({detail}).",
    },
    "netDown": {
        "en": "Nothing answers at {base}. Start the sandbox with `make serve` (or `python -m sandbox "
        "--port {port}`) and send again.",
        "ko": "{base}에서 응답하는 서버가 없습니다. `make serve`(또는 `python -m sandbox --port {port}`)로 "
        "샌드박스를 실행한 뒤 다시 보내세요.",
    },
    "netUnreachable": {
        "en": "Nothing answers at {base}: check the base URL and your connection.",
        "ko": "{base}에서 응답하는 서버가 없습니다. 기본 URL과 네트워크 연결을 확인하세요.",
    },
    "netCorsSandbox": {
        "en": "The sandbox at {base} is running but refuses calls from this page's origin ({origin}) "
        "(CORS). Restart it with this origin allowed: `SANDBOX_CORS_ORIGINS=loopback,{origin} make serve`.",
        "ko": "{base}의 샌드박스는 실행 중이지만 이 페이지의 출처({origin})에서 오는 호출을 거부합니다(CORS). "
        "이 출처를 허용해 다시 실행하세요: `SANDBOX_CORS_ORIGINS=loopback,{origin} make serve`",
    },
    "netCors": {
        "en": "The server at {base} answers but does not allow calls from this page's origin ({origin}) "
        "(CORS). Allow that origin on the server, or use Copy as cURL instead.",
        "ko": "{base}의 서버는 응답하지만 이 페이지의 출처({origin})에서 오는 호출을 허용하지 않습니다(CORS). "
        "서버에서 이 출처를 허용하거나 cURL로 복사해 실행하세요.",
    },
    "netMixed": {
        "en": "This page is served over HTTPS and the server address uses HTTP, which the browser "
        "blocks (mixed content). Use an HTTPS address, or open the docs locally.",
        "ko": "이 페이지는 HTTPS로 열렸는데 서버 주소가 HTTP라서 브라우저가 막았습니다(혼합 콘텐츠). "
        "HTTPS 주소를 쓰거나 문서를 로컬에서 엽니다.",
    },
    "badJson": {
        "en": "The request body is not valid JSON: {detail}",
        "ko": "요청 본문이 올바른 JSON이 아닙니다: {detail}",
    },
    "badUrl": {
        "en": "Enter a base URL that starts with http:// or https://.",
        "ko": "http:// 또는 https://로 시작하는 기본 URL을 입력합니다.",
    },
    "copied": {"en": "cURL command copied: it runs as it is.", "ko": "cURL 명령을 복사했습니다. 그대로 실행할 수 있습니다."},
    "copiedVars": {
        "en": "cURL command copied. Set {vars} in your shell before running it.",
        "ko": "cURL 명령을 복사했습니다. 실행하기 전에 셸에서 {vars}을(를) 설정하세요.",
    },
    "copyFailed": {
        "en": "The browser did not allow copying: select the command below and copy it.",
        "ko": "브라우저가 복사를 허용하지 않았습니다. 아래 명령을 선택해 복사합니다.",
    },
    "outboxEmpty": {
        "en": "The sandbox outbox has no message for this address yet.",
        "ko": "샌드박스 메일함에 아직 이 주소로 온 메일이 없습니다.",
    },
    "outboxFilled": {
        "en": "Filled the token from the latest message to {to}.",
        "ko": "{to}에게 온 최근 메일의 토큰을 채웠습니다.",
    },
    "outboxLatest": {
        "en": "The latest message to {to} is below: its link or token finishes the flow.",
        "ko": "{to}에게 온 최근 메일은 아래와 같습니다. 메일의 링크나 토큰으로 흐름을 마칩니다.",
    },
    "totpFilled": {
        "en": "Filled code {code}; it is valid for {s} more seconds.",
        "ko": "코드 {code}를 채웠습니다. {s}초 동안 유효합니다.",
    },
    "totpNoSecret": {
        "en": "Enter the Base32 secret that MFA enable returned first.",
        "ko": "먼저 MFA 활성화 응답의 Base32 비밀 키를 입력합니다.",
    },
    "historyItem": {
        "en": "Reopen {method} {path} {what} → {status} ({time})",
        "ko": "다시 열기: {method} {path} {what} → {status}({time})",
    },
    "networkFailure": {"en": "no answer", "ko": "응답 없음"},
}


def _pick(table: dict[str, dict[str, str]], lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown console language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return {key: texts[lang] for key, texts in table.items()}


def html_strings(lang: str) -> dict[str, str]:
    """The form's static strings in `lang` ("ko" or "en")."""
    return _pick(HTML_STRINGS, lang)


def js_strings(lang: str) -> dict[str, str]:
    """The strings console.js needs at run time, in `lang` ("ko" or "en")."""
    return _pick(JS_STRINGS, lang)
