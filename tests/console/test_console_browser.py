"""The console in a real browser against a real sandbox, on the built site (ko at /, en at /en/):
sign up, call /me with the captured token, refresh an expired token, keep secrets out of
localStorage and URLs, show hostile bodies as text, copy a runnable cURL, explain errors, reopen
history, finish mail and MFA flows with the sandbox helpers, pass axe, and do it all by keyboard."""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pyotp
import pytest
from playwright.sync_api import Locator, Page, expect

from macros.console_strings import HTML_STRINGS, JS_STRINGS
from tests.conftest import Sandbox, free_port

pytestmark = pytest.mark.browser

LANGS = ("ko", "en")
PASSWORD = "Correct-Horse-9"

# The site's pages these tests use, and the consoles on them (each operation has one console on its
# page, so `console()` below finds exactly one form; a second would fail Playwright's strict mode).
SIGNUP = "authentication/email-signup"  # emailSignUp
SIGNIN = "authentication/email-signin"  # emailSignIn
ME = "authentication/sessions-tokens"  # getMe (and refreshToken, signOut, ...)
PROFILE = "authentication/user-profile"  # getUserProfile
PASSWORD_RESET = "authentication/password"  # requestPasswordReset, confirmPasswordReset
CONFIRM = "authentication/email-verification"  # confirmSignUpEmail
MFA = "authentication/mfa"  # enableMfa, confirmMfa
PLAIN = "authentication/token-storage"  # no console at all
# the sidebar's links to those pages (it lists every page; the current section is always open)
NAV_TO_SIGNUP = ".md-sidebar--primary .md-nav a[href$='/email-signup/']"
NAV_TO_ME = ".md-sidebar--primary .md-nav a[href$='/sessions-tokens/']"


def url_of(site: str, lang: str, page: str) -> str:
    return f"{site}{'' if lang == 'ko' else 'en/'}{page}/"


def js(key: str, lang: str, **values: object) -> str:
    text = JS_STRINGS[key][lang]
    return text.format(**values) if values else text


def console(page: Page, operation: str) -> Locator:
    form = page.locator(f'form[data-operation="{operation}"][data-mounted]')
    form.wait_for()
    return form


def fresh_email(tag: str) -> str:
    return f"reader-{tag}-{secrets.token_hex(4)}@example.com"


def sign_up_by_api(sandbox: Sandbox, email: str, name: str = "Test Reader") -> dict[str, Any]:
    r = httpx.post(
        f"{sandbox.url}/v1/auth/email/signup",
        headers={"X-API-Key": sandbox.key},
        json={"method": "password", "email": email, "password": PASSWORD, "name": name},
    )
    assert r.status_code == 201, r.text
    return r.json()


def status_line(form: Locator, lang: str, status: int) -> None:
    prefix = JS_STRINGS["status"][lang].split("{status}")[0]
    expect(form.locator("output .bkc-status")).to_have_text(re.compile("^" + re.escape(prefix) + str(status)))


def stored_auth(page: Page, sandbox: Sandbox) -> dict[str, str] | None:
    raw = page.evaluate("k => sessionStorage.getItem(k)", f"bkc:auth:{sandbox.url}")
    return json.loads(raw) if raw else None


# -- two ways of operating the page: pointer (Playwright's clicks and fills) and keyboard only ----


class Pointer:
    def __init__(self, page: Page) -> None:
        self.page = page

    def choose(self, select: Locator, value: str) -> None:
        select.select_option(value)

    def type(self, field: Locator, text: str) -> None:
        field.fill(text)

    def press(self, target: Locator) -> None:
        target.click()


BEFORE_FOCUS = """e => {
    const now = document.activeElement;
    return !!now && now !== document.body && now.isConnected
        && !!(now.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_PRECEDING);
}"""


class Keyboard(Pointer):
    """Reaches every control with Tab and works it with keys only: no clicks, no fills."""

    def focus(self, target: Locator, limit: int = 400) -> None:
        element = target.element_handle()
        # Shift+Tab when the target comes before the focused control: the same focus order walked
        # the short way (the site's pages have hundreds of focusable controls)
        backwards = element.evaluate(BEFORE_FOCUS)
        key = "Shift+Tab" if backwards else "Tab"
        for _ in range(limit):
            if element.evaluate("e => e === document.activeElement"):
                return
            self.page.keyboard.press(key)
        raise AssertionError(f"{key} never reached {target}")

    def choose(self, select: Locator, value: str) -> None:
        self.focus(select)
        for _ in range(10):
            if select.input_value() == value:
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"could not choose {value!r} with the arrow keys")

    def type(self, field: Locator, text: str) -> None:
        self.focus(field)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.press("Delete")
        self.page.keyboard.type(text)

    def press(self, target: Locator) -> None:
        self.focus(target)
        self.page.keyboard.press("Enter")


def use_sandbox(ui: Pointer, form: Locator, sandbox: Sandbox) -> None:
    """Point the console at the test sandbox (it runs on a random port: the custom URL choice)."""
    ui.choose(form.locator("select[name=server]"), "custom")
    ui.type(form.locator("input[name=custom]"), sandbox.url)
    # a loopback custom URL is a sandbox: its key is prefilled
    expect(form.locator("input[name=apiKey]")).to_have_value(sandbox.key)


def sign_in_through_console(
    page: Page, site_url: str, lang: str, sandbox: Sandbox, email: str
) -> tuple[Page, Pointer, Locator]:
    """Create the account by API, then sign in with the sign-in page's console (its tokens are kept)."""
    sign_up_by_api(sandbox, email)
    ui = Pointer(page)
    page.goto(url_of(site_url, lang, SIGNIN))
    signin = console(page, "emailSignIn")
    use_sandbox(ui, signin, sandbox)
    ui.type(signin.locator("input[name='b:email']"), email)
    ui.type(signin.locator("input[name='b:password']"), PASSWORD)
    ui.press(signin.locator("button[type=submit]"))
    status_line(signin, lang, 200)
    return page, ui, signin


def run_sample(tool: str, text: str, env: dict[str, str]) -> int:
    """Run a cURL or Python sample as a reader would; its HTTP status."""
    if tool == "curl":
        command = ["bash", "-c", text + " -sS -o /dev/null -w '%{http_code}'"]
        out = subprocess.run(command, capture_output=True, text=True, env=env, timeout=30)
        assert out.returncode == 0, out.stderr
        return int(out.stdout)
    script = text.replace("print(response.status_code, response.json())", "print(response.status_code)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=30)
    assert out.returncode == 0, out.stderr
    return int(out.stdout.split()[0])


def expire_access_token(page: Page, sandbox: Sandbox) -> str:
    """Re-sign the stored access token with the sandbox's secret, expired an hour ago."""
    stored = stored_auth(page, sandbox)
    assert stored
    claims = jwt.decode(stored["accessToken"], options={"verify_signature": False})
    now = int(time.time())
    claims.update(iat=now - 7200, exp=now - 3600)
    expired = jwt.encode(claims, sandbox.jwt_secret, algorithm="HS256", headers={"typ": "JWT"})
    page.evaluate(
        "([k, v]) => sessionStorage.setItem(k, v)",
        [f"bkc:auth:{sandbox.url}", json.dumps({**stored, "accessToken": expired})],
    )
    return expired


# -- the acceptance flow ---------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["pointer", "keyboard"])
@pytest.mark.parametrize("lang", LANGS)
def test_sign_up_then_me_then_refresh(
    lang: str, mode: str, site_url: str, sandbox: Sandbox, new_page: Callable[..., Page]
) -> None:
    page = new_page()
    urls: list[str] = []
    calls: list[tuple[str, str, int]] = []
    page.on("request", lambda r: urls.append(r.url))
    page.on("response", lambda r: calls.append((r.request.method, r.url, r.status)))
    ui = Keyboard(page) if mode == "keyboard" else Pointer(page)

    page.goto(url_of(site_url, lang, SIGNUP))
    signup = console(page, "emailSignUp")
    use_sandbox(ui, signup, sandbox)
    email = fresh_email(f"{lang}-{mode}")
    ui.type(signup.locator("input[name='b:email']"), email)
    assert json.loads(signup.locator("textarea[name=body]").input_value())["email"] == email
    ui.press(signup.locator("button[type=submit]"))
    status_line(signup, lang, 201)
    expect(signup.locator("output")).to_contain_text(js("captured", lang))
    # who is signed in, and the access token's expiry counting down
    countdown = re.escape(js("expiresIn", lang)).replace(re.escape("{t}"), r"(\d\d):(\d\d)")
    expect(signup.locator(".bkc-auth")).to_contain_text(js("signedIn", lang, who=email))
    expect(signup.locator(".bkc-auth")).to_contain_text(re.compile(countdown))
    signed_up = stored_auth(page, sandbox)
    assert signed_up and signed_up["who"] == email

    # to the /me page through the sidebar's link: Material's instant navigation, no reload
    page.evaluate("() => { window.__samePage = true; }")
    ui.press(page.locator(NAV_TO_ME))
    me = console(page, "getMe")
    assert page.evaluate("() => window.__samePage") is True
    expect(me.locator("select[name=server]")).to_have_value("custom")  # remembered for the session
    expect(me.locator(".bkc-auth")).to_contain_text(email)
    ui.press(me.locator("button[type=submit]"))
    status_line(me, lang, 200)
    body = me.locator("output .bkc-body")
    expect(body).to_contain_text(f'"email": "{email}"')

    # the access token expires: the next call gets auth/token-expired, refreshes once, retries
    expired = expire_access_token(page, sandbox)
    expect(me.locator(".bkc-auth")).to_contain_text(js("expired", lang))
    before = len(calls)
    ui.press(me.locator("button[type=submit]"))
    expect(me.locator("output")).to_contain_text(js("refreshed", lang))
    status_line(me, lang, 200)
    expect(body).to_contain_text(f'"email": "{email}"')
    after = [(m, u.removeprefix(sandbox.url), s) for m, u, s in calls[before:] if u.startswith(sandbox.url)]
    assert [c for c in after if c[0] != "OPTIONS"] == [
        ("GET", "/v1/auth/me", 401),
        ("POST", "/v1/auth/refresh", 200),
        ("GET", "/v1/auth/me", 200),
    ]
    refreshed = stored_auth(page, sandbox)
    assert refreshed and refreshed["accessToken"] != expired
    assert refreshed["refreshToken"] != signed_up["refreshToken"]  # rotated

    # the other language's console uses the same captured token (same tab, same session)
    other = "en" if lang == "ko" else "ko"
    page.goto(url_of(site_url, other, ME))
    me = console(page, "getMe")
    ui.press(me.locator("button[type=submit]"))
    status_line(me, other, 200)
    expect(me.locator("output .bkc-body")).to_contain_text(f'"email": "{email}"')

    # secrets: never in localStorage, never in a URL
    secrets_seen = {
        sandbox.key,
        expired,
        signed_up["accessToken"],
        signed_up["refreshToken"],
        refreshed["accessToken"],
        refreshed["refreshToken"],
    }
    local = page.evaluate("() => JSON.stringify(Object.entries(localStorage))")
    assert not [s for s in secrets_seen if s in local]
    assert not [u for u in urls for s in secrets_seen if s in u]
    # the sign-out button forgets the tokens
    ui.press(me.locator("[data-act=forget]"))
    expect(me.locator(".bkc-auth")).to_have_text(re.compile(re.escape(js("signedOut", other))))
    assert stored_auth(page, sandbox) is None


def test_hostile_response_bodies_are_shown_as_text(
    site_url: str, sandbox: Sandbox, new_page: Callable[..., Page]
) -> None:
    page = new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    hostile = '<img src=x onerror="window.__xss=1;alert(1)"><script>window.__xss=2</script>'
    ui = Pointer(page)
    page.goto(url_of(site_url, "en", SIGNUP))
    signup = console(page, "emailSignUp")
    use_sandbox(ui, signup, sandbox)
    ui.type(signup.locator("input[name='b:email']"), fresh_email("xss"))
    ui.type(signup.locator("input[name='b:name']"), hostile)
    ui.press(signup.locator("button[type=submit]"))
    status_line(signup, "en", 201)

    page.goto(url_of(site_url, "en", ME))
    me = console(page, "getMe")
    ui.press(me.locator("button[type=submit]"))
    status_line(me, "en", 200)
    expect(me.locator("output .bkc-body")).to_contain_text("<img src=x onerror=")
    expect(me.locator("output .bkc-body")).to_contain_text("<script>window.__xss=2</script>")
    # reopening it from the history goes through the same text-only path
    me.locator(".bkc-hist summary").click()
    me.locator(".bkc-hist button").first.click()
    expect(me.locator("output .bkc-body")).to_contain_text("<img src=x onerror=")
    page.wait_for_timeout(300)  # give a would-be onerror handler its chance
    assert me.locator("output img, output script").count() == 0
    assert page.evaluate("() => window.__xss") is None
    assert dialogs == []


@pytest.mark.parametrize("lang", LANGS)
def test_copy_as_curl_runs_in_a_shell_with_the_same_status(
    lang: str, site_url: str, sandbox: Sandbox, new_page: Callable[..., Page]
) -> None:
    email = fresh_email(f"curl-{lang}")
    page, ui, signin = sign_in_through_console(new_page(), site_url, lang, sandbox, email)
    stored = stored_auth(page, sandbox)
    assert stored

    def run_copied(form: Locator, variables: str = "") -> tuple[str, int]:
        ui.press(form.locator("[data-act=curl]"))
        note = js("copiedVars", lang, vars=variables) if variables else js("copied", lang)
        expect(form.locator(".bkc-copied")).to_have_text(note)
        text = form.locator("textarea[name=curl]").input_value()
        assert page.evaluate("() => navigator.clipboard.readText()") == text
        for secret in (stored["accessToken"], stored["refreshToken"]):
            assert secret not in text
        env = {"PATH": "/usr/bin:/bin", "ACCESS_TOKEN": stored["accessToken"]}
        return text, run_sample("curl", text, env)

    text, status = run_copied(signin)
    # the public sandbox key is written out: nothing to set before running it
    assert f"X-API-Key: {sandbox.key}" in text and "$BKEND_API_KEY" not in text and "-d '" in text
    assert status == 200  # the console's status for the same request

    page.goto(url_of(site_url, lang, ME))
    me = console(page, "getMe")
    ui.press(me.locator("button[type=submit]"))
    status_line(me, lang, 200)
    text, status = run_copied(me, "ACCESS_TOKEN")
    assert "$ACCESS_TOKEN" in text and status == 200

    # a path parameter: the untouched example userId became the signed-in User's own id
    user_id = json.loads(me.locator("output .bkc-body").inner_text())["id"]
    page.goto(url_of(site_url, lang, PROFILE))
    profile = console(page, "getUserProfile")
    expect(profile.locator("input[name='p:path:userId']")).to_have_value(user_id)
    ui.press(profile.locator("button[type=submit]"))
    status_line(profile, lang, 200)
    text, status = run_copied(profile, "ACCESS_TOKEN")
    assert f"/v1/users/{user_id}/profile" in text and status == 200


@pytest.mark.parametrize("lang", LANGS)
def test_errors_are_explained_in_the_page_language(
    lang: str, site_url: str, sandbox: Sandbox, new_page: Callable[..., Page]
) -> None:
    email = fresh_email(f"err-{lang}")
    sign_up_by_api(sandbox, email)
    page = new_page()
    ui = Pointer(page)
    page.goto(url_of(site_url, lang, SIGNUP))
    signup = console(page, "emailSignUp")
    use_sandbox(ui, signup, sandbox)

    # an API error code links to where the docs explain it, in the same language
    ui.type(signup.locator("input[name='b:email']"), email)
    ui.press(signup.locator("button[type=submit]"))
    status_line(signup, lang, 409)
    link = signup.locator("output a")
    expect(link).to_have_text(js("errorDoc", lang, code="auth/email-already-exists"))
    home = site_url + ("" if lang == "ko" else "en/")
    expect(link).to_have_attribute("href", f"{home}reference/error-codes/#auth-email-already-exists")

    # a body that is not JSON is caught before sending
    ui.type(signup.locator("textarea[name=body]"), '{"email": ')
    ui.press(signup.locator("button[type=submit]"))
    expect(signup.locator("output")).to_contain_text(js("badJson", lang, detail="")[:12])

    # nothing listening: plain words about what probably happened and what to try
    ui.type(signup.locator("input[name=custom]"), f"http://127.0.0.1:{free_port()}")
    ui.type(signup.locator("textarea[name=body]"), json.dumps({"method": "password", "email": email}))
    ui.press(signup.locator("button[type=submit]"))
    output = signup.locator("output")
    base = signup.locator("input[name=custom]").input_value()
    expect(output).to_contain_text(js("netDown", lang, base=base, port=base.rsplit(":", 1)[1]))


def test_history_reopens_earlier_requests(
    site_url: str, sandbox: Sandbox, new_page: Callable[..., Page]
) -> None:
    page = new_page()
    ui = Keyboard(page)
    page.goto(url_of(site_url, "ko", SIGNUP))
    signup = console(page, "emailSignUp")
    use_sandbox(ui, signup, sandbox)
    first = fresh_email("hist-a")
    ui.type(signup.locator("input[name='b:email']"), first)
    ui.press(signup.locator("button[type=submit]"))
    status_line(signup, "ko", 201)
    ui.press(signup.locator("button[type=submit]"))  # the same e-mail again: 409
    status_line(signup, "ko", 409)

    page.reload()  # history lives in the session, not in the page
    signup = console(page, "emailSignUp")
    ui.press(signup.locator(".bkc-hist summary"))
    entries = signup.locator(".bkc-hist li button")
    expect(entries).to_have_count(2)
    expect(entries.nth(0)).to_contain_text("409")
    ui.press(entries.nth(1))
    status_line(signup, "ko", 201)
    assert json.loads(signup.locator("textarea[name=body]").input_value())["email"] == first
    expect(signup.locator("input[name='b:email']")).to_have_value(first)


def test_at_most_twenty_requests_are_kept(
    site_url: str, sandbox: Sandbox, new_page: Callable[..., Page]
) -> None:
    page = new_page()
    ui = Pointer(page)
    page.goto(url_of(site_url, "en", ME))
    me = console(page, "getMe")
    use_sandbox(ui, me, sandbox)
    for n in range(22):
        ui.press(me.locator("button[type=submit]"))
        expect(me.locator(".bkc-hist li")).to_have_count(min(n + 1, 20))
    assert len(json.loads(page.evaluate("() => sessionStorage.getItem('bkc:history')"))) == 20


@pytest.mark.parametrize("address", ["typed", "just used"])
def test_outbox_helper_finishes_a_password_reset(
    address: str, site_url: str, sandbox: Sandbox, new_page: Callable[..., Page]
) -> None:
    email = fresh_email("reset")
    sign_up_by_api(sandbox, email)
    page = new_page()
    ui = Keyboard(page)
    page.goto(url_of(site_url, "en", PASSWORD_RESET))
    request = console(page, "requestPasswordReset")
    confirm = console(page, "confirmPasswordReset")
    use_sandbox(ui, request, sandbox)
    ui.type(request.locator("input[name='b:email']"), email)
    ui.press(request.locator("button[type=submit]"))
    status_line(request, "en", 200)

    if address == "typed":
        ui.type(confirm.locator("input[name='b:email']"), email)
    else:  # the confirm console's example address is untouched: the helper uses the one just used
        assert confirm.locator("input[name='b:email']").input_value() != email
    ui.press(confirm.locator("[data-act=outbox]"))
    expect(confirm.locator("output")).to_contain_text(js("outboxFilled", "en", to=email))
    expect(confirm.locator("input[name='b:email']")).to_have_value(email)
    mail = httpx.get(
        f"{sandbox.url}/sandbox/outbox", params={"email": email}, headers={"X-API-Key": sandbox.key}
    )
    token = mail.json()["items"][0]["token"]
    expect(confirm.locator("input[name='b:token']")).to_have_value(token)
    assert json.loads(confirm.locator("textarea[name=body]").input_value())["token"] == token
    new_password = "Brand-New-Secret-7"
    ui.type(confirm.locator("input[name='b:newPassword']"), new_password)
    ui.press(confirm.locator("button[type=submit]"))
    status_line(confirm, "en", 200)
    r = httpx.post(
        f"{sandbox.url}/v1/auth/email/signin",
        headers={"X-API-Key": sandbox.key},
        json={"method": "password", "email": email, "password": new_password},
    )
    assert r.status_code == 200, r.text


def test_outbox_token_fills_a_query_parameter_and_a_redirect_is_explained(
    site_url: str, sandbox: Sandbox, new_page: Callable[..., Page]
) -> None:
    email = fresh_email("confirm")
    tokens = sign_up_by_api(sandbox, email)
    # the app asks for the confirmation mail (sign-up itself sends none)
    r = httpx.post(
        f"{sandbox.url}/v1/auth/signup/email/resend", headers={"X-API-Key": sandbox.key}, json={"email": email}
    )
    assert r.status_code == 200, r.text
    page = new_page()
    ui = Pointer(page)
    page.goto(url_of(site_url, "ko", CONFIRM))
    confirm = console(page, "confirmSignUpEmail")
    use_sandbox(ui, confirm, sandbox)
    ui.type(confirm.locator("input[name='p:query:email']"), email)
    ui.press(confirm.locator("[data-act=outbox]"))
    expect(confirm.locator("output")).to_contain_text(js("outboxFilled", "ko", to=email))
    mail = httpx.get(
        f"{sandbox.url}/sandbox/outbox", params={"email": email}, headers={"X-API-Key": sandbox.key}
    )
    expect(confirm.locator("input[name='p:query:token']")).to_have_value(mail.json()["items"][0]["token"])
    # the example's callbackUrl makes the sandbox answer 302, which a browser cannot follow for us
    expect(confirm.locator("input[name='p:query:callbackUrl']")).not_to_have_value("")
    # a link the browser opens (`security: []`): no key on the request nor in its cURL
    with page.expect_request(lambda r: "/signup/email/confirm" in r.url) as sent:
        ui.press(confirm.locator("button[type=submit]"))
    assert "x-api-key" not in sent.value.headers
    expect(confirm.locator("output")).to_contain_text(js("redirect", "ko"))
    ui.press(confirm.locator("[data-act=curl]"))
    curl_text = confirm.locator("textarea[name=curl]").input_value()
    assert "/signup/email/confirm" in curl_text and "X-API-Key" not in curl_text
    me = httpx.get(
        f"{sandbox.url}/v1/auth/me",
        headers={"X-API-Key": sandbox.key, "Authorization": f"Bearer {tokens['accessToken']}"},
    )
    assert me.json()["emailVerified"] is True


def test_totp_helper_confirms_mfa(site_url: str, sandbox: Sandbox, new_page: Callable[..., Page]) -> None:
    email = fresh_email("mfa")
    page, ui, signin = sign_in_through_console(new_page(), site_url, "en", sandbox, email)

    page.goto(url_of(site_url, "en", MFA))
    enable = console(page, "enableMfa")
    confirm = console(page, "confirmMfa")
    ui.type(enable.locator("input[name='b:password']"), PASSWORD)
    ui.press(enable.locator("button[type=submit]"))
    status_line(enable, "en", 200)
    secret = json.loads(enable.locator("output .bkc-body").inner_text())["secret"]
    # the secret the enable answer carried is offered to the helper
    page.reload()
    confirm = console(page, "confirmMfa")
    expect(confirm.locator("input[name=totp]")).to_have_value(secret)
    ui.press(confirm.locator("[data-act=totp]"))
    code = confirm.locator("input[name='b:code']")
    expect(code).to_have_value(re.compile(r"^\d{6}$"))
    assert pyotp.TOTP(secret).verify(code.input_value(), valid_window=1)
    ui.press(confirm.locator("button[type=submit]"))
    status_line(confirm, "en", 200)


def test_pages_without_a_console_load_none_of_it(site_url: str, new_page: Callable[..., Page]) -> None:
    page = new_page()
    loaded: list[str] = []
    page.on("request", lambda r: loaded.append(r.url.removeprefix(site_url)))
    page.goto(url_of(site_url, "en", PLAIN))
    page.wait_for_load_state("networkidle")
    assert [u for u in loaded if "console/" in u] == ["assets/console/loader.js"]
    # instant navigation to a page with a console loads it once; going on does not load it again
    page.locator(NAV_TO_SIGNUP).click()
    console(page, "emailSignUp")
    page.locator(NAV_TO_ME).click()
    console(page, "getMe")
    page.wait_for_load_state("networkidle")
    assert sorted(u for u in loaded if "console/" in u) == [
        "assets/console/console.css",
        "assets/console/console.js",
        "assets/console/loader.js",
    ]
    assert page.locator("link[data-bkc]").count() == 1


AXE_RUN = """async () => (await axe.run(document)).violations.flatMap(v => v.nodes.map(n => ({
    rule: v.id,
    node: n.target.join(' '),
    inConsole: !!document.querySelector(n.target.join(' '))?.closest('form.bkc'),
})))"""


def axe_violations(
    page: Page, axe_script: Any, site: str, lang: str, sandbox: Sandbox
) -> list[dict[str, Any]]:
    """axe-core over a console page with everything shown: custom URL field, a response, history."""
    ui = Pointer(page)
    page.goto(url_of(site, lang, SIGNUP))
    signup = console(page, "emailSignUp")
    use_sandbox(ui, signup, sandbox)
    ui.press(signup.locator("button[type=submit]"))  # a response (201, or 409 once the address exists)
    expect(signup.locator("output .bkc-status")).to_be_visible()
    signup.locator(".bkc-hist summary").click()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    page.add_script_tag(path=str(axe_script))
    return page.evaluate(AXE_RUN)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_no_violations_in_the_console(
    lang: str,
    scheme: str,
    site_url: str,
    sandbox: Sandbox,
    axe_script: Any,
    new_page: Callable[..., Page],
) -> None:
    found = axe_violations(new_page(color_scheme=scheme), axe_script, site_url, lang, sandbox)
    assert [v for v in found if v["inConsole"]] == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_no_violations_on_the_whole_page(
    lang: str,
    scheme: str,
    site_url: str,
    sandbox: Sandbox,
    axe_script: Any,
    new_page: Callable[..., Page],
) -> None:
    assert axe_violations(new_page(color_scheme=scheme), axe_script, site_url, lang, sandbox) == []


def test_server_choice_and_key_defaults(site_url: str, new_page: Callable[..., Page]) -> None:
    page = new_page()
    page.goto(url_of(site_url, "en", ME))
    me = console(page, "getMe")
    server, key = me.locator("select[name=server]"), me.locator("input[name=apiKey]")
    # served from 127.0.0.1: the local sandbox, with its documented key
    expect(server).to_have_value("sandbox")
    expect(key).to_have_value("pk_sandbox_bkend_docs")
    expect(me.locator("input[name=custom]")).to_be_hidden()
    server.select_option("production")
    expect(key).to_have_value("")  # a reader's own key is never guessed
    key.fill("pk_live_reader")
    server.select_option("custom")
    me.locator("input[name=custom]").fill("https://api.example.com")
    expect(key).to_have_value("")
    server.select_option("production")
    expect(key).to_have_value("pk_live_reader")  # remembered per server, for the session
    page.reload()
    me = console(page, "getMe")
    expect(me.locator("select[name=server]")).to_have_value("production")
    expect(me.locator("input[name=apiKey]")).to_have_value("pk_live_reader")
    assert page.evaluate("() => localStorage.length === 0 || !JSON.stringify(localStorage).includes('pk_')")


def test_labels_follow_the_page_language(site_url: str, new_page: Callable[..., Page]) -> None:
    page = new_page()
    for lang in LANGS:
        page.goto(url_of(site_url, lang, ME))
        me = console(page, "getMe")
        expect(me.locator("button[type=submit]")).to_have_text(HTML_STRINGS["send"][lang])
        expect(me.locator(".bkc-auth span")).to_have_text(js("signedOut", lang))
