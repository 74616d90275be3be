"""User management with roles, and each user's profile, avatar and settings documents."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from sandbox.spec import Spec
from tests.sandbox.conftest import PASSWORD, Account, Api, Live, unique_email


def error_code(response: httpx.Response) -> str:
    return response.json()["error"]["code"]


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(
        b"IEND", b"")


@pytest.fixture(scope="module")
def team(live: Live) -> Iterator[dict[str, Account]]:
    """A fresh module sandbox: its first account is the admin."""
    api = live.api
    yield {"admin": api.signup(unique_email("admin"), name="Admin"), "alice": api.signup(name="Alice"),
           "bob": api.signup(name="Bob")}


def test_first_account_is_admin_and_later_ones_are_users(api: Api, team: dict[str, Account]) -> None:
    assert api.get("/v1/auth/me", token=team["admin"].token).json()["role"] == "admin"
    assert api.get("/v1/auth/me", token=team["alice"].token).json()["role"] == "user"


def test_list_users_fields_by_role_with_search_sort_and_pages(api: Api, team: dict[str, Account]) -> None:
    # A non-admin sees the public fields only, and cannot search or sort by what it cannot see.
    r = api.get("/v1/users", token=team["alice"].token, params={"search": "bob", "searchType": "name"})
    assert r.status_code == 200, r.text
    assert [set(u) for u in r.json()["items"]] == [{"id", "name", "nickname", "image"}]
    r = api.get("/v1/users", token=team["alice"].token, params={"search": team["bob"].email})
    assert r.json()["items"] == []  # e-mail addresses are not searched for a non-admin
    for params in ({"searchType": "email", "search": "x"}, {"sortBy": "email"}, {"includeAccounts": "true"}):
        r = api.get("/v1/users", token=team["alice"].token, params=params)
        assert r.status_code == 403 and error_code(r) == "user/forbidden", params
    r = api.get("/v1/users")
    assert r.status_code == 401 and error_code(r) == "user/unauthorized"

    admin = team["admin"].token
    r = api.get("/v1/users", token=admin, params={"search": "ALI", "searchType": "name"})
    assert r.status_code == 200
    assert [u["name"] for u in r.json()["items"]] == ["Alice"]
    r = api.get("/v1/users", token=admin, params={"search": team["bob"].email.split("@")[0]})
    assert [u["id"] for u in r.json()["items"]] == [team["bob"].id]
    r = api.get("/v1/users", token=admin, params={"search": "%"})  # LIKE wildcards are literal
    assert r.json()["items"] == []

    r = api.get("/v1/users", token=admin, params={"sortBy": "name", "sortDirection": "asc", "limit": 2, "page": 1})
    page1 = r.json()
    assert page1["pagination"]["limit"] == 2 and page1["pagination"]["total"] >= 3
    assert page1["pagination"]["totalPages"] == -(-page1["pagination"]["total"] // 2)
    names = [u["name"] for u in page1["items"]]
    assert names == sorted(names)
    page2 = api.get("/v1/users", token=admin,
                    params={"sortBy": "name", "sortDirection": "asc", "limit": 2, "page": 2}).json()
    assert not {u["id"] for u in page1["items"]} & {u["id"] for u in page2["items"]}

    r = api.get("/v1/users", token=admin, params={"includeAccounts": "true", "search": "Alice"})
    assert r.json()["items"][0]["accounts"][0]["provider"] == "email"
    assert "accounts" not in api.get("/v1/users", token=admin).json()["items"][0]


def test_create_user_and_roles(api: Api, team: dict[str, Account]) -> None:
    admin, alice = team["admin"].token, team["alice"].token
    body = {"name": "Carol", "email": unique_email("carol")}
    r = api.post("/v1/users", token=alice, json=body)
    assert r.status_code == 403 and error_code(r) == "user/forbidden"
    r = api.post("/v1/users", token=admin, json=body)
    assert r.status_code == 201 and r.json()["role"] == "user" and r.json()["emailVerified"] is False
    carol = r.json()
    r = api.post("/v1/users", token=admin, json=body)
    assert r.status_code == 409 and error_code(r) == "auth/email-already-exists"
    r = api.post("/v1/users", token=admin, json={**body, "email": unique_email(), "role": "owner"})
    assert r.status_code == 400 and error_code(r) == "user/invalid-role"

    # Created without a password: a password sign-in fails until a reset sets one.
    assert api.signin(carol["email"]).status_code == 401
    api.post("/v1/auth/password/reset/request", json={"email": carol["email"]})
    token = api.outbox(carol["email"], "password-reset")[0]["token"]
    r = api.post("/v1/auth/password/reset/confirm",
                 json={"email": carol["email"], "token": token, "newPassword": PASSWORD})
    assert r.status_code == 200
    carol_token = api.signin(carol["email"]).json()["accessToken"]

    r = api.patch(f"/v1/users/{carol['id']}/role", token=alice, json={"role": "admin"})
    assert r.status_code == 403
    r = api.patch(f"/v1/users/{carol['id']}/role", token=admin, json={"role": "admin"})
    assert r.status_code == 200 and r.json()["role"] == "admin"
    # The role takes effect at once, on tokens issued before the change too.
    assert "email" in api.get("/v1/users", token=carol_token).json()["items"][0]
    r = api.patch(f"/v1/users/{carol['id']}/role", token=admin, json={"role": "guest"})
    assert r.json()["role"] == "guest"
    assert "email" not in api.get("/v1/users", token=carol_token).json()["items"][0]
    r = api.patch(f"/v1/users/{'0' * 24}/role", token=admin, json={"role": "user"})
    assert r.status_code == 404 and error_code(r) == "user/not-found"


def test_guests_read_their_own_resources_but_change_nothing(api: Api, team: dict[str, Account], spec: Spec) -> None:
    """Role `guest` is read-only on /v1/users/...: every GET on itself works, every other method
    answers user/forbidden. Changing the password and deleting the account stay open to everyone."""
    guest = api.signup(name="Guest")
    r = api.patch(f"/v1/users/{guest.id}/role", token=team["admin"].token, json={"role": "guest"})
    assert r.status_code == 200 and r.json()["role"] == "guest"

    own = [op for op in spec.operations.values() if op.path.startswith("/v1/users/{userId}")]
    reads = [op for op in own if op.method == "GET"]
    writes = [op for op in own if op.method != "GET"]
    assert len(reads) >= 6 and {o.operation_id for o in writes} >= {
        "updateUser", "deleteUser", "updateUserProfile", "createAvatarUploadUrl", "updateUserAvatar",
        "deleteUserAvatar", "updateUserPreferences", "updateUserPublicSettings"}
    for op in reads:
        r = api.get(op.path.replace("{userId}", guest.id), token=guest.token)
        assert r.status_code == 200, (op.operation_id, r.text)
    for op in writes:
        examples = spec.resolve(op.raw.get("requestBody") or {}).get("content", {}).get("application/json", {})
        body = next(iter((examples.get("examples") or {}).values()), {}).get("value")
        r = api.request(op.method, op.path.replace("{userId}", guest.id), token=guest.token, json=body)
        assert r.status_code == 403 and error_code(r) == "user/forbidden", (op.operation_id, r.text)
    # The same writes work for a `user` (so the refusals above are about the role).
    alice = team["alice"]
    assert api.patch(f"/v1/users/{alice.id}/preferences", token=alice.token, json={"theme": "dark"}).status_code == 200

    r = api.post("/v1/auth/password/change", token=guest.token,
                 json={"currentPassword": PASSWORD, "newPassword": PASSWORD + "-2"})
    assert r.status_code == 200, r.text
    fresh = api.signin(guest.email, PASSWORD + "-2").json()["accessToken"]  # the change ended every session
    r = api.delete("/v1/auth/withdraw", token=fresh)
    assert r.status_code == 200, r.text
    assert api.signin(guest.email, PASSWORD + "-2").status_code == 401


def test_last_admin_cannot_be_demoted(fresh) -> None:
    with fresh() as sandbox:
        api = sandbox.api
        admin = api.signup()
        r = api.patch(f"/v1/users/{admin.id}/role", token=admin.token, json={"role": "user"})
        assert r.status_code == 403 and error_code(r) == "user/forbidden"


def test_users_act_on_themselves_admins_on_anyone(api: Api, team: dict[str, Account]) -> None:
    alice, bob, admin = team["alice"], team["bob"], team["admin"]
    assert api.get(f"/v1/users/{alice.id}", token=alice.token).status_code == 200
    r = api.get(f"/v1/users/{bob.id}", token=alice.token)
    assert r.status_code == 403 and error_code(r) == "user/forbidden"
    # A non-admin cannot tell a missing id from someone else's.
    assert api.get(f"/v1/users/{'f' * 24}", token=alice.token).status_code == 403
    r = api.get(f"/v1/users/{'f' * 24}", token=admin.token)
    assert r.status_code == 404 and error_code(r) == "user/not-found"
    assert api.get(f"/v1/users/{bob.id}", token=admin.token).json()["email"] == bob.email

    r = api.patch(f"/v1/users/{alice.id}", token=alice.token, json={"name": "  Alice Kim  "})
    assert r.status_code == 200 and r.json()["name"] == "Alice Kim"
    r = api.patch(f"/v1/users/{alice.id}", token=alice.token, json={"name": "   "})
    assert r.status_code == 400 and error_code(r) == "user/invalid-name"
    assert api.patch(f"/v1/users/{bob.id}", token=alice.token, json={"name": "Hacked"}).status_code == 403


def test_delete_user(api: Api, team: dict[str, Account]) -> None:
    victim = api.signup()
    assert api.delete(f"/v1/users/{victim.id}", token=team["alice"].token).status_code == 403
    r = api.delete(f"/v1/users/{victim.id}", token=team["admin"].token)
    assert r.status_code == 200 and r.json() == {"message": "User deleted successfully"}
    assert api.get("/v1/auth/me", token=victim.token).status_code == 404
    me_too = api.signup()
    assert api.delete(f"/v1/users/{me_too.id}", token=me_too.token).status_code == 200
    assert api.signin(me_too.email).status_code == 401


def test_profile_partial_updates(api: Api) -> None:
    acc = api.signup(name="홍길동")
    path = f"/v1/users/{acc.id}/profile"
    r = api.get(path, token=acc.token)
    assert r.json() == {"name": "홍길동", "nickname": None, "email": acc.email, "mobile": None, "gender": None,
                        "bio": None, "image": None, "socialLinks": None}
    r = api.patch(path, token=acc.token, json={
        "nickname": "gildong", "mobile": "+821012345678", "gender": "male", "bio": "백엔드 개발자",
        "socialLinks": {"github": "https://github.com/gildong"}})
    assert r.status_code == 200, r.text
    assert r.json()["socialLinks"] == {"github": "https://github.com/gildong", "twitter": None, "linkedin": None}
    r = api.patch(path, token=acc.token, json={"mobile": None})
    assert r.json()["mobile"] is None and r.json()["nickname"] == "gildong"
    for body, code in [({"nickname": ""}, "user/invalid-nickname"), ({"nickname": " "}, "user/invalid-nickname"),
                       ({"name": None}, "user/invalid-name"), ({"mobile": "010-1234"}, "common/invalid-request"),
                       ({}, "common/invalid-request")]:
        r = api.patch(path, token=acc.token, json=body)
        assert r.status_code == 400 and error_code(r) == code, (body, r.text)


def test_settings_documents_start_at_the_spec_defaults(api: Api) -> None:
    acc = api.signup()
    base = f"/v1/users/{acc.id}"
    assert api.get(f"{base}/preferences", token=acc.token).json() == {
        "locale": "ko", "timezone": "Asia/Seoul", "theme": "system"}
    r = api.patch(f"{base}/preferences", token=acc.token, json={"locale": "en", "theme": "dark"})
    assert r.json() == {"locale": "en", "timezone": "Asia/Seoul", "theme": "dark"}
    assert api.get(f"{base}/preferences", token=acc.token).json()["theme"] == "dark"
    r = api.patch(f"{base}/preferences", token=acc.token, json={"timezone": "Not a zone"})
    assert r.status_code == 400

    notes = api.get(f"{base}/notifications", token=acc.token).json()
    assert notes == {"service": True, "marketing": False, "push": True, "email": True, "sms": False,
                     "nightTime": False, "securityAlerts": True}
    r = api.patch(f"{base}/notifications", token=acc.token, json={"marketing": True, "nightTime": True})
    assert r.json() == {**notes, "marketing": True, "nightTime": True}


def test_onboarding_progress(live: Live) -> None:
    api = live.api
    acc = api.signup()
    path = f"/v1/users/{acc.id}/onboarding"
    assert api.get(path, token=acc.token).json() == {
        "completed": False, "currentStep": None, "completedSteps": [], "completedAt": None}
    r = api.patch(path, token=acc.token, json={"currentStep": "first-project", "completedSteps": ["profile"]})
    assert r.json() == {"completed": False, "currentStep": "first-project", "completedSteps": ["profile"],
                        "completedAt": None}
    r = api.patch(path, token=acc.token, json={"completed": True})
    done = r.json()
    assert done["completed"] is True and done["currentStep"] is None and done["completedAt"].endswith("Z")
    r = api.patch(path, token=acc.token, json={"completed": False})
    assert r.json()["completedAt"] is None and r.json()["completedSteps"] == ["profile"]


def test_public_settings_slug_is_unique(api: Api) -> None:
    first, second = api.signup(), api.signup()
    slug = f"gd-{first.id[:8]}"
    r = api.patch(f"/v1/users/{first.id}/public-settings", token=first.token, json={"slug": slug, "isPublic": True})
    assert r.status_code == 200 and r.json() == {"slug": slug, "isPublic": True}
    r = api.patch(f"/v1/users/{second.id}/public-settings", token=second.token, json={"slug": slug})
    assert r.status_code == 409 and error_code(r) == "user/slug-already-exists"
    r = api.patch(f"/v1/users/{first.id}/public-settings", token=first.token, json={"slug": None})
    assert r.json() == {"slug": None, "isPublic": True}
    assert api.patch(f"/v1/users/{second.id}/public-settings", token=second.token,
                     json={"slug": slug}).status_code == 200


def test_avatar_upload_flow(live: Live) -> None:
    api = live.api
    acc, other = api.signup(), api.signup()
    r = api.post(f"/v1/users/{acc.id}/avatar/upload-url", token=acc.token,
                 json={"filename": "me.png", "contentType": "image/png"})
    assert r.status_code == 200, r.text
    grant = r.json()
    assert grant["url"].startswith(f"{live.url}/sandbox/uploads/{grant['key']}?expires=")
    assert grant["key"].startswith(f"avatar-{acc.id}-") and grant["key"].endswith(".png")

    # Not uploaded yet: the key is refused.
    r = api.patch(f"/v1/users/{acc.id}/avatar", token=acc.token, json={"s3Key": grant["key"]})
    assert r.status_code == 400 and error_code(r) == "common/invalid-request"

    url = urlsplit(grant["url"])
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    with httpx.Client(base_url=live.url) as plain:  # the signature is the only credential
        r = plain.put(url.path, params=query, content=tiny_png(), headers={"Content-Type": "image/jpeg"})
        assert r.status_code == 403 and error_code(r) == "sandbox/invalid-signature"
        r = plain.put(url.path, params={**query, "signature": "0" * 64}, content=tiny_png(),
                      headers={"Content-Type": "image/png"})
        assert r.status_code == 403
        r = plain.put(url.path, params=query, content=b"<html>not an image</html>",
                      headers={"Content-Type": "image/png"})
        assert r.status_code == 400 and error_code(r) == "common/invalid-request"
        r = plain.put(url.path, params=query, content=b"\x89PNG\r\n\x1a\n" + b"\0" * (5 * 1024 * 1024),
                      headers={"Content-Type": "image/png"})
        assert r.status_code == 413 and error_code(r) == "common/payload-too-large"
        r = plain.put(url.path, params=query, content=tiny_png(), headers={"Content-Type": "image/png"})
        assert r.status_code == 200, r.text
        assert r.json() == {"key": grant["key"], "size": len(tiny_png()), "contentType": "image/png"}

    r = api.patch(f"/v1/users/{other.id}/avatar", token=other.token, json={"s3Key": grant["key"]})
    assert r.status_code == 400  # someone else's upload
    r = api.patch(f"/v1/users/{acc.id}/avatar", token=acc.token, json={"s3Key": grant["key"]})
    assert r.status_code == 200 and r.json() == {"image": f"{live.url}/sandbox/uploads/{grant['key']}"}
    assert api.get("/v1/auth/me", token=acc.token).json()["image"] == r.json()["image"]
    assert api.get(f"/v1/users/{acc.id}/profile", token=acc.token).json()["image"] == r.json()["image"]

    r = api.delete(f"/v1/users/{acc.id}/avatar", token=acc.token)
    assert r.status_code == 200 and r.json() == {"image": None}
    assert api.get("/v1/auth/me", token=acc.token).json()["image"] is None


def test_avatar_image_url_serves_the_uploaded_bytes(live: Live) -> None:
    """The `image` URL the API returns loads as an image, the way a browser's <img> asks for it:
    no key, no token, and the uploaded bytes with their content type."""
    api = live.api
    acc = api.signup()
    pending = api.post(f"/v1/users/{acc.id}/avatar/upload-url", token=acc.token,
                       json={"filename": "me.png", "contentType": "image/png"}).json()
    image_url = f"{live.url}/sandbox/uploads/{pending['key']}"
    r = httpx.get(image_url)  # issued but not uploaded yet
    assert r.status_code == 404 and error_code(r) == "sandbox/object-not-found"

    assert httpx.put(pending["url"], content=tiny_png(), headers={"Content-Type": "image/png"}).status_code == 200
    image = api.patch(f"/v1/users/{acc.id}/avatar", token=acc.token, json={"s3Key": pending["key"]}).json()["image"]
    assert image == image_url
    assert api.get(f"/v1/users/{acc.id}/profile", token=acc.token).json()["image"] == image
    r = httpx.get(image, headers={"Accept": "image/avif,image/webp,image/*,*/*;q=0.8"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "image/png" and r.content == tiny_png()
    assert r.headers["x-content-type-options"] == "nosniff"

    # A replaced avatar's file is gone; malformed keys are refused by validation.
    second = api.post(f"/v1/users/{acc.id}/avatar/upload-url", token=acc.token,
                      json={"filename": "me.gif", "contentType": "image/gif"}).json()
    gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
    assert httpx.put(second["url"], content=gif, headers={"Content-Type": "image/gif"}).status_code == 200
    api.patch(f"/v1/users/{acc.id}/avatar", token=acc.token, json={"s3Key": second["key"]})
    assert httpx.get(image).status_code == 404
    r = httpx.get(f"{live.url}/sandbox/uploads/{second['key']}")
    assert r.headers["content-type"] == "image/gif" and r.content == gif
    r = httpx.get(f"{live.url}/sandbox/uploads/..%2Fsandbox.db")
    assert r.status_code in (400, 404) and r.headers["content-type"] == "application/json"


def test_upload_url_expires(live: Live) -> None:
    api = live.api
    acc = api.signup()
    grant = api.post(f"/v1/users/{acc.id}/avatar/upload-url", token=acc.token,
                     json={"filename": "me.gif", "contentType": "image/gif"}).json()
    live.clock.advance(15 * 60)
    url = urlsplit(grant["url"])
    with httpx.Client(base_url=live.url) as plain:
        r = plain.put(url.path, params={k: v[0] for k, v in parse_qs(url.query).items()}, content=b"GIF89a....",
                      headers={"Content-Type": "image/gif"})
    assert r.status_code == 403 and error_code(r) == "sandbox/invalid-signature"
