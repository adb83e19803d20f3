"""Schemathesis against a live `raccord serve --sandbox`: generated requests on every
operation of the OpenAPI document (coverage and fuzzing phases, bounded examples) and stateful
sequences following its links; 0 server errors, 0 undocumented statuses, 0 answers that do
not match their declared schema."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

BIN = Path(sys.executable).parent
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_headers_conformance,response_schema_conformance")
# Bounded: the two runs stop after this many seconds in all, whatever is left (about 4 minutes
# for the whole test with the server's start, on 2 cores).
MAX_TIME_S = int(os.environ.get("RACCORD_SCHEMATHESIS_MAX_TIME", "180"))
MAX_EXAMPLES = int(os.environ.get("RACCORD_SCHEMATHESIS_EXAMPLES", "15"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    url: str
    key: str
    log: Path


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    port, sandbox_port = free_port(), free_port()
    env = {**os.environ, "RACCORD_HOME": str(tmp_path / "home"), "RACCORD_LANG": "en",
           "RACCORD_ADMIN_PASSWORD": "schemathesis admin password"}
    for name in ("RACCORD_DATABASE_URL", "RACCORD_REDIS_URL", "RACCORD_SECRET_KEY"):
        env.pop(name, None)
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(BIN / "raccord"), "serve", "--sandbox", "--port", str(port),
             "--sandbox-port", str(sandbox_port), "--workers", "1"],
            env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{url}/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        key = subprocess.run([str(BIN / "raccord"), "user", "api-key", "admin"], env=env,
                             capture_output=True, text=True, check=True).stdout.strip()
        yield Served(url, key, log)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# The operations that call SIRENE answer 502/503/504 when the service cannot be reached, as a
# gateway should; the fuzzer may well remove the sandbox's authority or change SIRENE's
# address through the settings API (both allowed). So they run first, on their own, while the
# installation is as the sandbox set it; then everything else, settings included.
CALLS_SIRENE = ("lookup_number_api_v1_sirene_lookup__number__get",
                "create_party_api_v1_thirdparties_post",
                "refresh_party_api_v1_thirdparties__party_id__refresh_post")
# Likewise: Universign's reminder answers 502 when Universign refuses the call (its address or
# key changed), Bridge's webhook 503 once its secret is removed. The signature requests they
# remind are created in the same run (links).
ALSO_FIRST = ("remind_api_v1_signatures__request_id__remind_post",
              "bridge_webhook_api_v1_bank_webhooks_bridge_post")
FIRST_TAGS = ("thirdparties", "sirene")
FIRST_EXTRA = (*ALSO_FIRST, "create_api_v1_signatures_post")
FIRST_S = MAX_TIME_S // 4


def schemathesis(served: Served, folder: Path, seconds: int, *selection: str) -> str:
    folder.mkdir()
    run = subprocess.run(
        [str(BIN / "schemathesis"), "run", f"{served.url}/api/openapi.json",
         "--header", f"Authorization: Bearer {served.key}", "--checks", CHECKS,
         "--phases", "coverage,fuzzing,stateful", "--max-examples", str(MAX_EXAMPLES),
         # One worker: two threads compiling at once trip a CPython 3.11 AST bug in the tool.
         "--max-time", str(seconds), "--workers", "1", "--seed", "16",
         "--request-timeout", "30", "--report", "junit", "--report-dir", str(folder),
         *selection],
        capture_output=True, text=True, timeout=seconds + 240, cwd=folder)
    output = run.stdout + run.stderr
    (folder / "schemathesis.txt").write_text(output)
    failures = output[output.find("FAILURES"):output.find("WARNINGS")]
    assert run.returncode == 0, failures[:20000] or output[-6000:]
    assert "Server error" not in output and "Response violates schema" not in output
    return output


def selected(output: str) -> tuple[int, int]:
    found = re.search(r"Selected: (\d+)/(\d+)", output)
    assert found, output[-2000:]
    return int(found.group(1)), int(found.group(2))


@pytest.mark.timeout(MAX_TIME_S + 240)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(served: Served,
                                                                   tmp_path: Path) -> None:
    # With the rest of their tags: the parties they create are read, changed and deleted.
    first = schemathesis(served, tmp_path / "first", FIRST_S,
                         *[arg for tag in FIRST_TAGS for arg in ("--include-tag", tag)],
                         *[arg for name in FIRST_EXTRA for arg in ("--include-operation-id",
                                                                    name)])
    assert selected(first)[0] >= 11 + len(FIRST_EXTRA), first[-2000:]
    # Everything else: no list of what to include, so a new API is covered by default.
    first_only = (*CALLS_SIRENE, *ALSO_FIRST)
    rest = schemathesis(served, tmp_path / "rest", MAX_TIME_S - FIRST_S,
                        *[arg for name in first_only for arg in ("--exclude-operation-id",
                                                                  name)])
    chosen, total = selected(rest)
    assert chosen == total - len(first_only) and total >= 75, rest[-2000:]
    assert "unexpected error" not in served.log.read_text()
