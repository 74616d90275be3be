"""Sign-ups that race each other: a burst from several threads to kill a server in the middle of
(the durability tests, one process or several workers), and the one request they all send."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType

import httpx

from tests.sandbox.conftest import PASSWORD, unique_email


def signup(client: httpx.Client, email: str, password: str = PASSWORD) -> httpx.Response:
    return client.post("/v1/auth/email/signup",
                       json={"method": "password", "email": email, "password": password, "name": "Race"})


def race_for_one_address(client: httpx.Client, email: str, racers: int = 50) -> list[httpx.Response]:
    """`racers` sign-ups for one address (half of them upper-cased) leaving together."""
    barrier = threading.Barrier(racers)

    def attempt(i: int) -> httpx.Response:
        barrier.wait()  # all requests leave together
        return signup(client, email if i % 2 else email.upper(), f"{PASSWORD}-{i}")

    with ThreadPoolExecutor(max_workers=racers) as pool:
        return list(pool.map(attempt, range(racers)))


class SignupBurst:
    """Threads signing up new addresses until the block ends; `acknowledged` holds every address the
    server answered 201 for, `failed` counts requests that got no answer (the server was killed)."""

    def __init__(self, client: httpx.Client, threads: int = 8) -> None:
        self.client = client
        self.acknowledged: list[str] = []
        self.failed = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run) for _ in range(threads)]

    def _run(self) -> None:
        while not self._stop.is_set():
            email = unique_email("burst")
            try:
                r = signup(self.client, email)
            except httpx.HTTPError:
                with self._lock:
                    self.failed += 1
                continue
            if r.status_code == 201:
                with self._lock:
                    self.acknowledged.append(email)

    def wait_for(self, count: int, timeout: float) -> None:
        """Until `count` sign-ups were acknowledged (or `timeout` seconds passed)."""
        deadline = time.monotonic() + timeout
        while len(self.acknowledged) < count and time.monotonic() < deadline:
            time.sleep(0.02)

    def __enter__(self) -> SignupBurst:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=60)
