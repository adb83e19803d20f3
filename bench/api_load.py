"""The console and the API under load: 20 concurrent clients, 2,000 requests each, on typical
reads (settings, interfaces, invoices, the dashboard and an interface screen), against a real
`raccord serve` in its own process; then raccord's requests per second on
`GET /api/v1/settings/chorus` next to a bare FastAPI endpoint served the same way (uvicorn, one
process, same machine, same run, same client).

The client is a small HTTP/1.1 keep-alive client on asyncio streams, so that it costs little
next to the servers it measures (both share this machine's cores).

    uv run python bench/api_load.py [--clients 20] [--requests 2000] [--smoke]

Last line (machine-readable):
errors=E ratio_to_bare=R p99_ms=P
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent
PASSWORD = "bench password 1"
TYPICAL = ("/api/v1/settings/chorus", "/api/v1/interfaces", "/api/v1/einvoicing/invoices",
           "/api/v1/settings/sirene", "/", "/interfaces/chorus")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server stopped: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server not up after 90 s: {log.read_text()[-2000:]}")


@contextmanager
def server(command: list[str], port: int, env: dict[str, str], log: Path
           ) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_up(port, process, log)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- the bare endpoint ---------------------------------------------------------------------
def bare_app() -> object:
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/bare")
    def bare() -> dict[str, object]:
        return {"url": "https://api.piste.gouv.fr", "max_attempts": 3, "enabled": True}

    return app


def serve_bare(port: int) -> None:
    import uvicorn

    uvicorn.run(bare_app(), host="127.0.0.1", port=port, log_level="warning",
                proxy_headers=False)


# -- the client ----------------------------------------------------------------------------
@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)


async def read_answer(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """(status, keep-alive) of one answer, its body read and dropped."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length, chunked, close = 0, False, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
        elif name == b"connection" and b"close" in value.lower():
            close = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status, not close


async def one_client(port: int, paths: tuple[str, ...], requests: int, headers: bytes,
                     tally: Tally, offset: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for index in range(requests):
            path = paths[(index + offset) % len(paths)]
            request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode()
                       + headers + b"\r\n")
            start = time.perf_counter()
            try:
                writer.write(request)
                await writer.drain()
                status, alive = await read_answer(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                tally.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            tally.latencies_ms.append((time.perf_counter() - start) * 1000)
            tally.statuses[status] = tally.statuses.get(status, 0) + 1
            if status >= 400:
                tally.errors += 1
            if not alive:
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
    finally:
        writer.close()


async def load(port: int, paths: tuple[str, ...], clients: int, requests: int,
               headers: bytes) -> tuple[Tally, float]:
    tally = Tally()
    start = time.perf_counter()
    await asyncio.gather(*(one_client(port, paths, requests, headers, tally, i)
                           for i in range(clients)))
    return tally, time.perf_counter() - start


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# -- the run -------------------------------------------------------------------------------
def prepare(env: dict[str, str]) -> str:
    """A user with an API key; returns the key."""
    raccord = str(BIN / "raccord")
    subprocess.run([raccord, "user", "add", "bench", "--role", "operator"], env=env,
                   input=PASSWORD + "\n", text=True, check=True, capture_output=True)
    return subprocess.run([raccord, "user", "api-key", "bench"], env=env, text=True,
                          check=True, capture_output=True).stdout.strip()


def console_cookie(port: int) -> str:
    import httpx

    answer = httpx.post(f"http://127.0.0.1:{port}/login",
                        data={"login": "bench", "password": PASSWORD})
    match = re.search(r"raccord_session=([^;]+)", answer.headers.get("set-cookie", ""))
    if answer.status_code != 303 or match is None:
        raise SystemExit(f"console login failed: {answer.status_code}")
    return match.group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000, help="per client")
    parser.add_argument("--ratio-requests", type=int, default=200,
                        help="per client, for the ratio to the bare endpoint")
    parser.add_argument("--rounds", type=int, default=5,
                        help="rounds of the ratio (raccord, then bare, in turn)")
    parser.add_argument("--smoke", action="store_true", help="a short run (CI)")
    parser.add_argument("--bare-server", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server:
        serve_bare(args.bare_server)
        return
    if args.smoke:
        args.requests, args.ratio_requests, args.rounds = 50, 50, 3
    work = Path(tempfile.mkdtemp(prefix="raccord-api-load-"))
    env = {**os.environ, "RACCORD_HOME": str(work / "home"), "RACCORD_LANG": "en",
           "RACCORD_ADMIN_PASSWORD": "bench admin password"}
    for name in ("RACCORD_DATABASE_URL", "RACCORD_REDIS_URL", "RACCORD_SECRET_KEY"):
        env.pop(name, None)
    key = prepare(env)
    port, bare_port = free_port(), free_port()
    api = f"Authorization: Bearer {key}\r\n".encode()
    print(f"bench home {work}; {args.clients} clients × {args.requests} requests on "
          f"{', '.join(TYPICAL)}")
    with server([str(BIN / "raccord"), "serve", "--port", str(port), "--workers", "1"], port,
                env, work / "serve.log"), \
            server([sys.executable, __file__, "--bare-server", str(bare_port)], bare_port, env,
                   work / "bare.log"):
        cookie = f"Cookie: raccord_session={console_cookie(port)}\r\n".encode()
        # Warm both up, then the ratio: the same endpoint shape, the same clients.
        asyncio.run(load(port, ("/api/v1/settings/chorus",), 2, 20, api))
        asyncio.run(load(bare_port, ("/bare",), 2, 20, b""))
        # Rounds in turn, so that whatever else runs on the machine weighs on both alike;
        # the ratio is the median round's.
        ratios, settings_errors = [], 0
        for _ in range(args.rounds):
            settings, settings_s = asyncio.run(load(port, ("/api/v1/settings/chorus",),
                                                    args.clients, args.ratio_requests, api))
            bare, bare_s = asyncio.run(load(bare_port, ("/bare",), args.clients,
                                            args.ratio_requests, b""))
            settings_errors += settings.errors + bare.errors
            raccord_rps = len(settings.latencies_ms) / settings_s
            bare_rps = len(bare.latencies_ms) / bare_s
            ratios.append(raccord_rps / bare_rps)
            print(f"GET /api/v1/settings/chorus: {raccord_rps:.0f} requests/s; bare FastAPI "
                  f"endpoint: {bare_rps:.0f} requests/s; ratio {ratios[-1]:.3f}")
        ratio = sorted(ratios)[len(ratios) // 2]
        # The typical mix: API reads with the key, console pages with the session.
        api_paths = tuple(p for p in TYPICAL if p.startswith("/api/"))
        pages = tuple(p for p in TYPICAL if not p.startswith("/api/"))
        half = args.clients // 2

        async def mixed() -> tuple[list[Tally], float]:
            start = time.perf_counter()
            tallies = [Tally(), Tally()]
            await asyncio.gather(
                *(one_client(port, api_paths, args.requests, api, tallies[0], i)
                  for i in range(args.clients - half)),
                *(one_client(port, pages, args.requests, cookie, tallies[1], i)
                  for i in range(half)))
            return tallies, time.perf_counter() - start

        tallies, mixed_s = asyncio.run(mixed())
    latencies = tallies[0].latencies_ms + tallies[1].latencies_ms
    errors = tallies[0].errors + tallies[1].errors + settings_errors
    done = len(latencies)
    statuses: dict[int, int] = {}
    for tally in tallies:
        for status, count in tally.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    print(f"mixed reads: {done} answers in {mixed_s:.1f} s ({done / mixed_s:.0f} requests/s), "
          f"statuses {dict(sorted(statuses.items()))}, p50 {percentile(latencies, 0.5):.1f} "
          f"ms, p99 {percentile(latencies, 0.99):.1f} ms")
    print(f"errors={errors} ratio_to_bare={ratio:.3f} "
          f"p99_ms={percentile(latencies, 0.99):.1f}")


if __name__ == "__main__":
    main()
