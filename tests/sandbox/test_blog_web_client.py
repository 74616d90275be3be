"""bkend's own example app client works against the sandbox unchanged.

When the snapshot of bkend's docs is present (`../shared/corpora/bkend-docs`), its blog example's API
client, token storage, auth and user modules (examples/blog-web/src) are bundled for Node with the
pinned esbuild and driven through sign-up, sign-in, me, avatar upload URL and upload, profile update
with `image`, refresh on 401 (after the access token really expired), password change, sign-in with
the new password and sign-out (blog_web_flow.ts). Nothing of bkend's code is copied into this repo."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.samples.preconditions import PNG
from tests.sandbox.conftest import Live, unique_email

ROOT = Path(__file__).resolve().parents[2]
BLOG_SRC = ROOT.parent / "shared" / "corpora" / "bkend-docs" / "examples" / "blog-web" / "src"
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"

pytestmark = pytest.mark.skipif(not BLOG_SRC.is_dir(), reason="no ../shared snapshot of bkend's blog-web example")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("blog-web")
    tsconfig = work / "tsconfig.json"
    tsconfig.write_text(json.dumps({"compilerOptions": {"baseUrl": str(BLOG_SRC), "paths": {"@/*": ["*"]}}}))
    out = work / "flow.mjs"
    done = subprocess.run(
        [str(ESBUILD), str(Path(__file__).with_name("blog_web_flow.ts")), "--bundle", "--platform=node",
         "--format=esm", "--target=node20", f"--tsconfig={tsconfig}", f"--outfile={out}", "--log-level=warning"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    return out


def phase(bundle: Path, live: Live, name: str, env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        ["node", str(bundle), name], capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, **env, "NEXT_PUBLIC_API_URL": live.url, "NEXT_PUBLIC_PUBLISHABLE_KEY": "pk_sandbox_bkend_docs"},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_blog_web_client_runs_against_the_sandbox(bundle: Path, live: Live, tmp_path: Path) -> None:
    image = tmp_path / "avatar.png"
    image.write_bytes(PNG)
    email = unique_email("blog")
    env = {"BLOG_STATE": str(tmp_path / "storage.json"), "BLOG_IMAGE": str(image), "BLOG_EMAIL": email,
           "BLOG_PASSWORD": "Blog-Passw0rd", "BLOG_NEW_PASSWORD": f"Changed-{secrets.token_hex(4)}"}

    start = phase(bundle, live, "start", env)
    assert start["signUpKeys"] == ["accessToken", "expiresIn", "refreshToken", "tokenType"]
    assert start["me"]["email"] == email and start["me"]["name"] == "Blog Writer"
    assert start["upload"]["url"].startswith(f"{live.url}/sandbox/uploads/{start['upload']['key']}?")
    assert start["putStatus"] == 200
    image_url = start["upload"]["url"].split("?")[0]
    assert start["profile"]["name"] == "Blog Author" and start["profile"]["image"] == image_url
    assert start["meAfter"]["image"] == image_url and start["meAfter"]["name"] == "Blog Author"
    assert start["imageStatus"] == 200

    live.clock.advance(3601)  # the access token expires; the session does not
    later = phase(bundle, live, "after-expiry", env)
    assert later["me"]["email"] == email and later["rotated"] is True
    assert later["afterChange"] == "AuthError: Your session has expired. Please sign in again."
    assert later["tokensCleared"] is True
    assert later["oldPassword"] == "Error: Invalid email or password"
    assert later["meAgain"]["id"] == start["me"]["id"]
    assert later["signOut"] == {"message": "Signed out successfully"}
    assert later["afterSignOut"] == "AuthError: Your session has expired. Please sign in again."
