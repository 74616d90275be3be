"""The console as a first-time reader meets it (issue #16), on the built site with a real sandbox:
first use on random ports, the exact CORS fix, only the
chosen body alternative's fields, the request shown as sent, and sample tabs that follow the console."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.conftest import Sandbox, run_sandbox
from tests.console.test_console_browser import (
    LANGS,
    ME,
    PASSWORD,
    SIGNIN,
    SIGNUP,
    Pointer,
    console,
    fresh_email,
    js,
    run_sample,
    sign_in_through_console,
    status_line,
    stored_auth,
    url_of,
    use_sandbox,
)

pytestmark = pytest.mark.browser


def open_signup(new_page: Callable[..., Page], site_url: str, lang: str, sandbox: Sandbox) -> tuple[Pointer, Locator]:
    page = new_page()
    ui = Pointer(page)
    page.goto(url_of(site_url, lang, SIGNUP))
    signup = console(page, "emailSignUp")
    use_sandbox(ui, signup, sandbox)
    return ui, signup


@pytest.mark.parametrize("lang", LANGS)
def test_first_use_works_with_the_sandbox_defaults_on_random_ports(
    lang: str, site_url: str, tmp_path: Path, new_page: Callable[..., Page]
) -> None:
    # the site is on a random port, the sandbox on another, SANDBOX_CORS_ORIGINS unset
    with run_sandbox(tmp_path / "default.db", cors_origins="") as sandbox:
        ui, signup = open_signup(new_page, site_url, lang, sandbox)
        ui.type(signup.locator("input[name='b:email']"), fresh_email(f"first-{lang}"))
        ui.press(signup.locator("button[type=submit]"))
        status_line(signup, lang, 201)
        expect(signup.locator("output")).to_contain_text(js("captured", lang))


@pytest.mark.parametrize("lang", LANGS)
def test_a_refused_origin_gets_the_exact_fix(
    lang: str, site_url: str, tmp_path: Path, new_page: Callable[..., Page]
) -> None:
    origin = site_url.rstrip("/")
    with run_sandbox(tmp_path / "strict.db", cors_origins="https://docs.example.com") as sandbox:
        ui, signup = open_signup(new_page, site_url, lang, sandbox)
        ui.press(signup.locator("button[type=submit]"))
        fix = js("netCorsSandbox", lang, base=sandbox.url, origin=origin)
        expect(signup.locator("output")).to_contain_text(fix)
        assert f"SANDBOX_CORS_ORIGINS=loopback,{origin} make serve" in fix
        # the sandbox says the same in its log
        log = sandbox.db_path.with_name(sandbox.db_path.name + ".log")
        assert f"refused a browser call from {origin} (CORS)" in log.read_text()
        # a failed send is in the history too, with what was sent
        signup.locator(".bkc-hist summary").click()
        entry = signup.locator(".bkc-hist li button").first
        expect(entry).to_contain_text(js("networkFailure", lang))
        expect(entry).to_contain_text("method=password")
        # changing the server clears the old error
        ui.type(signup.locator("input[name=custom]"), "http://127.0.0.1:1")
        expect(signup.locator("output")).to_have_text(js("idle", lang))


@pytest.mark.parametrize("lang", LANGS)
def test_sign_in_shows_only_the_chosen_alternatives_fields(
    lang: str, site_url: str, new_page: Callable[..., Page]
) -> None:
    page = new_page()
    page.goto(url_of(site_url, lang, SIGNIN))
    signin = console(page, "emailSignIn")
    method = signin.locator("select[name='b:method']")
    expect(method).to_have_value("password")

    def visible() -> set[str]:
        names = signin.locator(".bkc-f:visible [name^='b:']").evaluate_all("es => es.map(e => e.name.slice(2))")
        return set(names)

    def required() -> set[str]:
        marked = signin.locator(".bkc-f:visible:has(.bkc-req:visible) [name^='b:']")
        return set(marked.evaluate_all("es => es.map(e => e.name.slice(2))"))

    assert visible() == {"method", "email", "password", "mfaCode"}
    assert required() == {"method", "email", "password"}
    # help is visible text, code spans as code, no raw backticks
    help_text = signin.locator(".bkc-f:has([name='b:mfaCode']) .bkc-help")
    expect(help_text).to_be_visible()
    expect(help_text.locator("code").first).to_be_visible()  # the spec's `backup code` example
    assert "`" not in help_text.inner_text()

    method.select_option("magiclink")
    assert "password" not in visible() and "callbackUrl" in visible()
    assert "callbackUrl" in required()
    body = json.loads(signin.locator("textarea[name=body]").input_value())
    assert body["method"] == "magiclink" and "password" not in body
    method.select_option("password")
    assert visible() == {"method", "email", "password", "mfaCode"}


def test_sign_up_marks_password_and_name_required(site_url: str, new_page: Callable[..., Page]) -> None:
    page = new_page()
    page.goto(url_of(site_url, "en", SIGNUP))
    signup = console(page, "emailSignUp")
    marked = signup.locator(".bkc-f:visible:has(.bkc-req:visible) [name^='b:']")
    assert set(marked.evaluate_all("es => es.map(e => e.name.slice(2))")) == {"method", "email", "password", "name"}
    expect(signup.locator("[name='b:callbackUrl']")).to_be_hidden()


@pytest.mark.parametrize("lang", LANGS)
def test_the_shown_request_is_what_the_sandbox_received(
    lang: str, site_url: str, sandbox: Sandbox, new_page: Callable[..., Page]
) -> None:
    email = fresh_email(f"shown-{lang}")
    page, ui, signin = sign_in_through_console(new_page(), site_url, lang, sandbox, email)
    page.goto(url_of(site_url, lang, ME))
    me = console(page, "getMe")
    with page.expect_request(lambda r: r.url.startswith(sandbox.url) and r.method == "GET") as caught:
        ui.press(me.locator("button[type=submit]"))
    status_line(me, lang, 200)
    received = caught.value
    shown = me.locator(".bkc-sent").inner_text().split("\n")
    assert shown[0] == f"GET {received.url}"
    headers = received.all_headers()
    for line in shown[1:]:
        name, value = line.split(": ", 1)
        sent = headers[name.lower()]
        if value.endswith("…"):  # a secret, shortened
            assert sent.startswith(value[:-1]) and len(sent) > len(value)
        else:
            assert sent == value
    assert {line.split(": ")[0] for line in shown[1:]} == {"X-API-Key", "Authorization"}
    stored = stored_auth(page, sandbox)
    assert stored and stored["accessToken"] not in me.locator("output").inner_text()
    # a coloured badge, the body highlighted and its size
    badge = me.locator("output .bkc-status.bkc-ok")
    expect(badge).to_contain_text(" B")
    assert badge.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    expect(me.locator("output .bkc-body .bkc-k").first).to_be_visible()
    expect(me.locator("output .bkc-note")).to_have_text(js("corsHeaders", lang))
    me.locator("output button").click()
    expect(me.locator("output button")).to_have_text(js("copiedBody", lang))
    assert json.loads(page.evaluate("() => navigator.clipboard.readText()"))["email"] == email

    # a body the sandbox got byte for byte
    page.goto(url_of(site_url, lang, SIGNIN))
    signin = console(page, "emailSignIn")
    ui.type(signin.locator("input[name='b:email']"), email)
    ui.type(signin.locator("input[name='b:password']"), PASSWORD)
    with page.expect_request(lambda r: r.url.startswith(sandbox.url) and r.method == "POST") as caught:
        ui.press(signin.locator("button[type=submit]"))
    status_line(signin, lang, 200)
    text = signin.locator(".bkc-sent").inner_text()
    assert text.endswith("\n\n" + (caught.value.post_data or ""))
    assert f"X-API-Key: {sandbox.key}" in text  # the public sandbox key is not a secret


@pytest.mark.parametrize("lang", LANGS)
def test_sample_tabs_follow_the_console_and_run_with_the_same_status(
    lang: str, site_url: str, sandbox: Sandbox, new_page: Callable[..., Page]
) -> None:
    email = fresh_email(f"tabs-{lang}")
    page, ui, signin = sign_in_through_console(new_page(), site_url, lang, sandbox, email)
    stored = stored_auth(page, sandbox)
    assert stored
    env = {"PATH": "/usr/bin:/bin", "ACCESS_TOKEN": stored["accessToken"]}

    # the sign-in page's tabs now show the sandbox, the typed address and the public key
    tabs = page.locator(".tabbed-set", has=page.locator("code", has_text="/v1/auth/email/signin")).first
    curl = tabs.locator(".tabbed-block code").nth(0)
    expect(curl).to_contain_text(f"{sandbox.url}/v1/auth/email/signin")
    expect(curl).to_contain_text(email)
    expect(curl).to_contain_text(f"X-API-Key: {sandbox.key}")
    python = tabs.locator(".tabbed-block code").nth(3)
    assert run_sample("curl", curl.text_content() or "", env) == 200
    assert run_sample("python", python.text_content() or "", env) == 200

    # a bearer call: the token stays a variable, the status matches the console's
    page.goto(url_of(site_url, lang, ME))
    me = console(page, "getMe")
    ui.press(me.locator("button[type=submit]"))
    status_line(me, lang, 200)
    tabs = page.locator(".tabbed-set", has=page.locator("code", has_text="/v1/auth/me")).first
    curl_text = tabs.locator(".tabbed-block code").nth(0).text_content() or ""
    assert "$ACCESS_TOKEN" in curl_text and stored["accessToken"] not in curl_text
    assert f"{sandbox.url}/v1/auth/me" in curl_text
    assert run_sample("curl", curl_text, env) == 200
    js_text = tabs.locator(".tabbed-block code").nth(1).text_content() or ""
    assert f'const BKEND_API_KEY = "{sandbox.key}";' in js_text

    # production: the key is the reader's secret, so the samples go back to the variable
    me.locator("select[name=server]").select_option("production")
    expect(tabs.locator(".tabbed-block code").nth(0)).to_contain_text('X-API-Key: $BKEND_API_KEY')
    expect(tabs.locator(".tabbed-block code").nth(0)).to_contain_text("https://api-client.bkend.ai/v1/auth/me")
