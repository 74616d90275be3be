"""Invitations: create (mailed token), list/get by the sender or an admin, accept, reject, revoke,
expiry after 7 days."""

from __future__ import annotations

import httpx
import pytest

from sandbox.mail import plain
from tests.sandbox.conftest import Account, Api, Live, unique_email

ORG = "6651d5f6c9b1f2a3d4e5f904"


def error_code(response: httpx.Response) -> str:
    return response.json()["error"]["code"]


def invite(api: Api, sender: Account, email: str | None = None, **extra: str) -> tuple[dict, str]:
    email = email or unique_email("invitee")
    body = {"resourceType": "organization", "resourceId": ORG, "resourceName": "길동컴퍼니", "email": email,
            "name": "김영희", "resourceRole": "member", **extra}
    r = api.post("/v1/auth/invitations", token=sender.token, json=body)
    assert r.status_code == 201, r.text
    [mail] = api.outbox(email, "invitation")[:1]
    return r.json(), mail["token"]


def test_create_and_accept(api: Api) -> None:
    sender = api.signup(name="홍길동")
    invitation, token = invite(api, sender, email=unique_email("INVITEE").upper())
    assert invitation["status"] == "pending" and invitation["invitedBy"] == sender.id
    assert invitation["inviterName"] == "홍길동" and invitation["respondedAt"] is None
    assert invitation["email"] == invitation["email"].lower()

    r = api.post("/v1/auth/invitations/accept", json={"token": token, "email": unique_email()})
    assert r.status_code == 404 and error_code(r) == "auth/invitation-not-found"
    r = api.post("/v1/auth/invitations/accept", json={"token": token, "email": invitation["email"]})
    assert r.status_code == 200 and r.json()["status"] == "accepted" and r.json()["respondedAt"]
    r = api.post("/v1/auth/invitations/accept", json={"token": token})
    assert r.status_code == 400 and error_code(r) == "auth/invitation-already-accepted"
    r = api.delete(f"/v1/auth/invitations/{invitation['id']}", token=sender.token)
    assert r.status_code == 400 and error_code(r) == "auth/invitation-already-accepted"


def test_reject_and_revoke(api: Api) -> None:
    sender = api.signup()
    rejected, token = invite(api, sender, inviterName="Team bot")
    assert rejected["inviterName"] == "Team bot"
    r = api.post("/v1/auth/invitations/reject", json={"token": token, "email": rejected["email"]})
    assert r.status_code == 200 and r.json() == {}
    r = api.post("/v1/auth/invitations/accept", json={"token": token})
    assert r.status_code == 404 and error_code(r) == "auth/invitation-not-found"

    revoked, token = invite(api, sender)
    r = api.delete(f"/v1/auth/invitations/{revoked['id']}", token=sender.token)
    assert r.status_code == 200 and r.json() == {"message": "Invitation revoked successfully"}
    assert api.post("/v1/auth/invitations/accept", json={"token": token}).status_code == 404
    assert api.get(f"/v1/auth/invitations/{revoked['id']}", token=sender.token).json()["status"] == "revoked"
    r = api.delete(f"/v1/auth/invitations/{revoked['id']}", token=sender.token)
    assert r.status_code == 404


def test_list_and_get_are_the_senders_own(api: Api) -> None:
    sender, stranger = api.signup(), api.signup()
    first, _ = invite(api, sender)
    second, token = invite(api, sender, resourceType="project")
    api.post("/v1/auth/invitations/accept", json={"token": token})

    r = api.get("/v1/auth/invitations", token=sender.token)
    page = r.json()
    assert [i["id"] for i in page["items"]] == [second["id"], first["id"]]  # newest first
    assert page["pagination"] == {"page": 1, "limit": 10, "total": 2, "totalPages": 1, "hasNext": False,
                                  "hasPrev": False}
    r = api.get("/v1/auth/invitations", token=sender.token, params={"status": "pending"})
    assert [i["id"] for i in r.json()["items"]] == [first["id"]]
    r = api.get("/v1/auth/invitations", token=sender.token, params={"resourceType": "project", "limit": 1})
    assert [i["id"] for i in r.json()["items"]] == [second["id"]]

    assert api.get("/v1/auth/invitations", token=stranger.token).json()["items"] == []
    r = api.get(f"/v1/auth/invitations/{first['id']}", token=stranger.token)
    assert r.status_code == 404 and error_code(r) == "auth/invitation-not-found"
    assert api.delete(f"/v1/auth/invitations/{first['id']}", token=stranger.token).status_code == 404
    assert api.get(f"/v1/auth/invitations/{first['id']}", token=sender.token).json() == {
        **first, "status": "pending"}


def test_admin_sees_every_invitation(fresh) -> None:
    with fresh() as sandbox:
        api = sandbox.api
        admin, sender = api.signup(), api.signup()
        invitation, _ = invite(api, sender)
        assert api.get(f"/v1/auth/invitations/{invitation['id']}", token=admin.token).status_code == 200
        assert [i["id"] for i in api.get("/v1/auth/invitations", token=admin.token).json()["items"]] == [
            invitation["id"]]


def test_invitation_expires_after_seven_days(live: Live) -> None:
    api = live.api
    sender = api.signup()
    invitation, token = invite(api, sender)
    live.clock.advance(7 * 24 * 3600)
    r = api.post("/v1/auth/invitations/accept", json={"token": token})
    assert r.status_code == 410 and error_code(r) == "auth/invitation-expired"
    r = api.post("/v1/auth/invitations/reject", json={"token": token, "email": invitation["email"]})
    assert r.status_code == 410
    fresh_token = api.signin(sender.email).json()["accessToken"]  # a week later the old one has expired
    r = api.get("/v1/auth/invitations", token=fresh_token, params={"status": "expired"})
    assert [i["id"] for i in r.json()["items"]] == [invitation["id"]]
    assert r.json()["items"][0]["status"] == "expired"


@pytest.mark.parametrize(("words", "quoted"), [
    ("Gildong Co.", "Gildong Co."),
    ("v1.2 beta: the team", "v1.2 beta: the team"),
    ("Visit https://evil.example/login now", "Visit hxxps[://]evil[.]example/login now"),
    ("HTTP://Evil.Example", "HxxP[://]Evil[.]Example"),
    ("ftp://files.example/x", "ftp[://]files[.]example/x"),
    ("mailto:help@evil.example", "mailto[:]help@evil[.]example"),
    ("javascript:alert(1)", "javascript[:]alert(1)"),
    ("www.evil.example", "www[.]evil[.]example"),
    ("Line one\n\nLine two\r\n\tend", "Line one Line two end"),
    ("Bob\u202egnp.exe\u200b", "Bob gnp[.]exe"),
    ("a\u2028b\u2029c\x00d", "a b c d"),
])
def test_plain_quotes_a_senders_words_on_one_line_without_links(words: str, quoted: str) -> None:
    assert plain(words) == quoted
