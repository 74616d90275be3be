"""Sandbox throughput and latency: `GET /v1/auth/me` alone, password sign-in alone, and a mixed load
(20% sign-in, 80% `/me`), each against a fresh `python -m sandbox` on 127.0.0.1 with the resident
memory of the server before and at the end of the load.

The load generator is a closed loop of keep-alive HTTP/1.1 connections on uvloop that writes
pre-built requests and reads just enough of each response (status line, Content-Length), so that on
a small machine it costs far less CPU than the server it measures. It talks to 127.0.0.1 only and
every run is bounded in time.

    python scripts/bench_sandbox.py [--seconds 10] [--clients 20] [--workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEY = "pk_sandbox_bkend_docs"
PASSWORD = "Bench-Mark-Pass-2026"
HOST = "127.0.0.1"


@dataclass
class Result:
    name: str
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    rss_before: float = 0.0
    rss_peak: float = 0.0
    rss_after: float = 0.0
    cpu_seconds: float = 0.0  # server CPU time (all processes) spent during the run

    @property
    def count(self) -> int:
        return len(self.latencies)

    def pct(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    @property
    def failures(self) -> int:
        return self.errors + sum(n for status, n in self.statuses.items() if status >= 400)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def rss_mib(pids: list[int]) -> float:
    """Resident memory of the server processes (all workers), MiB."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of the server processes so far (load-independent: the machine's other
    work does not inflate it)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return ticks / os.sysconf("SC_CLK_TCK")


def server_pids(root: int) -> list[int]:
    """The launcher and, with --workers, its worker processes."""
    pids = [root]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == root:
                pids.append(int(entry.name))
    return pids


@contextmanager
def sandbox(workers: int) -> Iterator[tuple[int, subprocess.Popen]]:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SANDBOX_RATE_LIMITS": "off", "SANDBOX_VALIDATE_RESPONSES": ""}
        proc = subprocess.Popen(
            [sys.executable, "-m", "sandbox", "--host", HOST, "--port", str(port), "--db", f"{tmp}/bench.db",
             "--workers", str(workers)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection((HOST, port), timeout=0.5).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise RuntimeError("the sandbox did not start") from None
                    time.sleep(0.05)
            time.sleep(0.5 if workers > 1 else 0)  # let every worker bind
            yield port, proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def request(method: str, path: str, port: int, body: dict | None = None, token: str | None = None) -> bytes:
    data = json.dumps(body).encode() if body is not None else b""
    head = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", f"X-API-Key: {KEY}", "User-Agent: bench"]
    if token:
        head.append(f"Authorization: Bearer {token}")
    if body is not None:
        head += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + data


async def roundtrip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, data: bytes) -> tuple[int, bytes]:
    writer.write(data)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    body = await reader.readexactly(length) if length else b""
    return status, body


async def run_load(port: int, pick: Callable[[], bytes], clients: int, seconds: float, result: Result) -> None:
    stop = time.monotonic() + seconds

    async def client() -> None:
        reader, writer = await asyncio.open_connection(HOST, port, limit=1 << 20)
        try:
            while time.monotonic() < stop:
                data = pick()
                start = time.perf_counter()
                try:
                    status, _ = await roundtrip(reader, writer, data)
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    result.errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(HOST, port, limit=1 << 20)
                    continue
                result.latencies.append(time.perf_counter() - start)
                result.statuses[status] = result.statuses.get(status, 0) + 1
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(clients)))


async def sign_up_users(port: int, count: int) -> list[str]:
    tokens = []
    reader, writer = await asyncio.open_connection(HOST, port)
    for i in range(count):
        body = {"method": "password", "email": f"bench-{i}-{random.randrange(1 << 30)}@example.com",
                "password": PASSWORD, "name": f"Bench {i}"}
        status, data = await roundtrip(reader, writer, request("POST", "/v1/auth/email/signup", port, body))
        if status != 201:
            raise RuntimeError(f"sign-up failed: {status} {data[:200]!r}")
        tokens.append(json.loads(data)["accessToken"])
        tokens[-1] = f"{tokens[-1]}|{body['email']}"
    writer.close()
    return tokens


def scenario(name: str, workers: int, clients: int, seconds: float, signin_share: float) -> Result:
    with sandbox(workers) as (port, proc):
        pids = server_pids(proc.pid)
        users = asyncio.run(sign_up_users(port, clients))
        me = [request("GET", "/v1/auth/me", port, token=u.split("|")[0]) for u in users]
        signin = [request("POST", "/v1/auth/email/signin", port,
                          {"method": "password", "email": u.split("|")[1], "password": PASSWORD}) for u in users]

        def pick() -> bytes:
            return random.choice(signin) if random.random() < signin_share else random.choice(me)

        result = Result(name, seconds)
        asyncio.run(run_load(port, pick, clients, 1.0, Result("warm-up", 1.0)))  # first-use costs
        result.rss_before = rss_mib(pids)
        sampling = True

        def sample() -> None:
            while sampling:
                result.rss_peak = max(result.rss_peak, rss_mib(pids))
                time.sleep(0.2)

        import threading

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        cpu_start = cpu_seconds(pids)
        asyncio.run(run_load(port, pick, clients, seconds, result))
        result.cpu_seconds = cpu_seconds(pids) - cpu_start
        sampling = False
        sampler.join()
        result.rss_after = rss_mib(pids)
    return result


def report(results: list[Result], workers: int, clients: int) -> str:
    lines = [
        f"sandbox: {workers} worker(s), {clients} keep-alive clients, {os.cpu_count()} CPUs, 127.0.0.1",
        "| load | req/s | p50 ms | p99 ms | errors | server CPU ms/req | RSS before -> peak -> end (MiB) |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.count / r.seconds:,.0f} | {r.pct(50):.1f} | {r.pct(99):.1f} | {r.failures} | "
            f"{r.cpu_seconds * 1000 / max(1, r.count):.2f} | "
            f"{r.rss_before:.0f} -> {r.rss_peak:.0f} -> {r.rss_after:.0f} |")
    return "\n".join(lines)


SCENARIOS = (("GET /v1/auth/me", 0.0), ("password sign-in", 1.0), ("mixed 20% sign-in / 80% /me", 0.2))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SANDBOX_SECONDS", "10")))
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--only", choices=[name for name, _ in SCENARIOS], action="append")
    args = parser.parse_args(argv)
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    chosen = [(n, s) for n, s in SCENARIOS if not args.only or n in args.only]
    results = [scenario(name, args.workers, args.clients, args.seconds, share) for name, share in chosen]
    print(report(results, args.workers, args.clients))
    print("p50/p99: latency per request as the client saw it; statuses:",
          {r.name: dict(sorted(r.statuses.items())) for r in results}, file=sys.stderr)
    return 0 if all(r.failures == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
