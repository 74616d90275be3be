"""Upload storage stays bounded (reproduction against `python -m sandbox`: 20 upload URLs filled with
5 MiB each grew the database by 105 MiB, never attached, never purged)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import httpx

from tests.sandbox.conftest import Api, Live, process_sandbox

PNG = b"\x89PNG\r\n\x1a\n"
FIVE_MIB = PNG + b"\0" * (5 * 1024 * 1024 - len(PNG))


def db_bytes(db: Path) -> int:
    """The database file plus its write-ahead log."""
    return sum(p.stat().st_size for p in (db, Path(f"{db}-wal")) if p.exists())


def upload_url(api: Api, user_id: str, token: str) -> str:
    r = api.post(f"/v1/users/{user_id}/avatar/upload-url", token=token, json={"filename": "me.png", "contentType": "image/png"})
    assert r.status_code == 200, r.text
    grant = r.json()
    return str(grant.get("url") or grant["uploadUrl"])


def put(api: Api, url: str, data: bytes) -> httpx.Response:
    parts = urlsplit(url)
    return api.http.put(f"{parts.path}?{parts.query}", content=data, headers={"Content-Type": "image/png"})


def test_twenty_pending_uploads_keep_one(tmp_path: Path) -> None:
    db = tmp_path / "sb.db"
    with process_sandbox(db) as api:
        acc = api.signup()
        urls = [upload_url(api, acc.id, acc.token) for _ in range(20)]
        size_before = db_bytes(db)
        statuses = [put(api, url, FIVE_MIB).status_code for url in urls]
        # Each new URL voided the one before it: only the last can still be filled.
        assert statuses == [403] * 19 + [200]
        for _ in range(5):  # asking again and again replaces, never adds
            assert put(api, upload_url(api, acc.id, acc.token), FIVE_MIB).status_code == 200
    grown = db_bytes(db) - size_before
    assert grown < 16 * 1024 * 1024, grown  # was 105 MiB: every 5 MiB upload kept


def test_storage_quota_refuses_in_the_envelope(tmp_path: Path) -> None:
    with process_sandbox(tmp_path / "sb.db", SANDBOX_UPLOAD_QUOTA="8") as api:
        first, second = api.signup(), api.signup()
        assert put(api, upload_url(api, first.id, first.token), FIVE_MIB).status_code == 200
        r = put(api, upload_url(api, second.id, second.token), FIVE_MIB)
        assert r.status_code == 413 and r.json()["error"]["code"] == "common/payload-too-large"


def test_pending_uploads_are_purged_once_their_url_expired(live: Live) -> None:
    api = live.api
    owner, other = api.signup(), api.signup()
    assert put(api, upload_url(api, owner.id, owner.token), PNG + b"x").status_code == 200
    kept = upload_url(api, owner.id, owner.token)
    assert put(api, kept, PNG + b"avatar").status_code == 200
    key = urlsplit(kept).path.rsplit("/", 1)[1]
    assert api.patch(f"/v1/users/{owner.id}/avatar", token=owner.token, json={"s3Key": key}).status_code == 200
    pending = upload_url(api, owner.id, owner.token)
    assert put(api, pending, PNG + b"never attached").status_code == 200
    pending_key = urlsplit(pending).path.rsplit("/", 1)[1]
    live.clock.advance(16 * 60)
    upload_url(api, other.id, other.token)  # anyone's request sweeps expired pending uploads
    assert api.get(f"/sandbox/uploads/{pending_key}").status_code == 404
    assert api.get(f"/sandbox/uploads/{key}").status_code == 200  # the attached avatar stays
