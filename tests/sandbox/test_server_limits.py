"""The server under `python -m sandbox` against slow and broken clients: 1,100 connections that never
finish their headers (slowloris) do not keep a real request out and are closed after the head
deadline; a trickled body gets 408; requests past the in-flight cap get 503 at once; bytes that are
not HTTP get a 400 in the error envelope; `--workers 2` serves one database."""

from __future__ import annotations

import json
import resource
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import SANDBOX_KEY
from tests.sandbox.conftest import Api, process_sandbox

SLOW = 1100


def health(api: Api) -> httpx.Response:
    """On a new connection, as a new client would."""
    return httpx.get(f"{api.base_url}/sandbox/health", headers={"X-API-Key": SANDBOX_KEY}, timeout=5)


def port_of(api: Api) -> int:
    return int(httpx.URL(api.base_url).port or 0)


def raw(port: int, data: bytes, timeout: float = 10.0) -> bytes:
    """Send bytes, read until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        return read_to_close(s)


def read_to_close(s: socket.socket) -> bytes:
    """Everything the server sends until it closes: head and body may come in separate segments."""
    chunks = []
    while chunk := s.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def envelope_of(response: bytes) -> tuple[int, dict]:
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), json.loads(body)


@pytest.fixture
def fds() -> Iterator[None]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_slowloris_connections_neither_keep_requests_out_nor_stay_open(tmp_path: Path, fds: None) -> None:
    with process_sandbox(tmp_path / "sb.db", SANDBOX_HEADER_TIMEOUT="3") as api:
        port = port_of(api)
        slow = []
        try:
            for _ in range(SLOW):
                s = socket.create_connection(("127.0.0.1", port), timeout=10)
                s.sendall(b"GET /sandbox/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                slow.append(s)
            started = time.monotonic()
            r = health(api)
            assert r.status_code == 200 and time.monotonic() - started < 5
            time.sleep(4)  # past the head deadline
            open_left = 0
            for s in slow:
                s.settimeout(5)
                try:
                    data = s.recv(65536)
                except OSError:
                    continue  # reset: closed
                if data:
                    status, body = envelope_of(data)
                    assert (status, body["error"]["code"]) == (408, "common/request-timeout")
                    if s.recv(1):
                        open_left += 1
            assert open_left == 0
        finally:
            for s in slow:
                s.close()
        assert health(api).status_code == 200


def test_a_trickled_body_gets_408_and_a_full_server_503(tmp_path: Path) -> None:
    env = {"SANDBOX_BODY_TIMEOUT": "2", "SANDBOX_MAX_CONCURRENCY": "1", "SANDBOX_VALIDATE_RESPONSES": "0"}
    with process_sandbox(tmp_path / "sb.db", **env) as api:
        port = port_of(api)
        head = (b"POST /v1/auth/refresh HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: pk_sandbox_bkend_docs\r\n"
                b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"refresh")
        with socket.create_connection(("127.0.0.1", port), timeout=10) as held:
            held.sendall(head)  # holds the one in-flight slot, waiting for the rest of its body
            time.sleep(0.5)
            r = health(api)
            assert r.status_code == 503 and r.json()["error"]["code"] == "common/service-unavailable"
            assert r.headers["retry-after"] == "1"
            status, body = envelope_of(read_to_close(held))
            assert (status, body["error"]["code"]) == (408, "common/request-timeout")
        assert health(api).status_code == 200


@pytest.mark.parametrize("garbage", [b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\0" * 40 + b"\r\n\r\n",
                                     b"GET / HTTP/9.9\r\n\r\n", b"GET /x HTTP/1.1\r\nBad Header\r\n\r\n"])
def test_bytes_that_are_not_http_get_the_envelope(proc: Api, garbage: bytes) -> None:
    status, body = envelope_of(raw(port_of(proc), garbage))
    assert (status, body["error"]["code"]) == (400, "common/invalid-request")


def test_an_endless_request_head_is_cut_off(proc: Api) -> None:
    data = b"GET /sandbox/health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Pad: " + b"a" * 70_000 + b"\r\n\r\n"
    status, body = envelope_of(raw(port_of(proc), data))
    assert status == 431 and body["error"]["code"] == "common/invalid-request"
