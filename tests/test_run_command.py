"""`simpul run` starts the web server and the worker, serves /healthz, and stops both on Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from simpul.core.management.commands.run import demo_logins
from simpul.core.sizing import default_admission_wait_ms, default_max_inflight, web_sizing

START_TIMEOUT = 120.0
STOP_TIMEOUT = 40.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def run_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A demo-mode environment on its own migrated SQLite database in a temporary var folder."""
    var_dir = tmp_path_factory.mktemp("var")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SIMPUL_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(SIMPUL_VAR_DIR=str(var_dir), SIMPUL_DEMO_MODE="true", SIMPUL_DEBUG="false",
               DJANGO_SETTINGS_MODULE="simpul.settings", PYTHONUNBUFFERED="1")
    subprocess.run([sys.executable, "-m", "simpul", "migrate", "--noinput", "-v", "0"], env=env, check=True,
                   timeout=600)
    return env


def _children_of(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid):
            found.append(int(status.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_healthy(url: str, proc: subprocess.Popen[bytes]) -> dict[str, object]:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"simpul run exited early with {proc.returncode}"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return json.loads(response.read())
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer 200 within {START_TIMEOUT} s")


def _start(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "simpul", "run", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _interrupt_and_wait(proc: subprocess.Popen[bytes]) -> tuple[int, str]:
    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        raise AssertionError("simpul run did not stop within the grace period") from None
    return proc.returncode, out.decode(errors="replace")


def test_run_serves_healthz_and_stops_web_and_worker_on_ctrl_c(run_env: dict[str, str]) -> None:
    port = _free_port()
    proc = _start(run_env, "--port", str(port))
    try:
        health = _wait_healthy(f"http://127.0.0.1:{port}/healthz", proc)
        assert health["status"] == "ok"
        children = _children_of(proc.pid)
        assert len(children) == 2, f"expected gunicorn and the worker, found {children}"
        assert all(_alive(pid) for pid in children)
    finally:
        code, out = _interrupt_and_wait(proc)
    assert code == 0, out
    assert f"http://127.0.0.1:{port}/" in out
    assert "warga@simpul.test" in out
    assert "simpul demo totp" in out
    assert not [pid for pid in children if _alive(pid)], "a child process outlived simpul run"


def test_run_exits_non_zero_when_the_web_server_cannot_start(run_env: dict[str, str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _start(run_env, "--port", str(port), "--no-worker")
        try:
            out, _ = proc.communicate(timeout=START_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode != 0
    assert b"stopped unexpectedly" in out


def test_demo_logins_list_every_persona_and_the_password() -> None:
    accounts, password = demo_logins()
    emails = {email for email, _ in accounts}
    assert {"warga@simpul.test", "admin@simpul.test", "walidata@simpul.test"} <= emails
    assert password == "simpul-demo-2026"


def test_web_sizing_stays_between_two_and_four_processes() -> None:
    assert web_sizing(1) == (2, 4)
    assert web_sizing(2) == (2, 4)
    assert web_sizing(64) == (4, 4)
    assert web_sizing(None) == (2, 4)


def test_admission_defaults_follow_the_cpu_count() -> None:
    assert [default_max_inflight(n) for n in (1, 2, 4, 16)] == [2, 4, 8, 32]
    assert [default_admission_wait_ms(n) for n in (1, 2, 4, 16)] == [500, 500, 1000, 1000]


@pytest.mark.parametrize(("extra", "expected"), [
    ({"PORT": "9123"}, "http://127.0.0.1:9123"),
    ({"PORT": "9123", "SIMPUL_SITE_URL": "https://simpul.mubakab.go.id"}, "https://simpul.mubakab.go.id"),
    ({}, "http://127.0.0.1:8000"),
])
def test_absolute_links_follow_the_port_unless_the_site_address_is_set(extra, expected):
    env = {k: v for k, v in os.environ.items() if k not in ("PORT", "SIMPUL_SITE_URL")}
    env.update({"DJANGO_SETTINGS_MODULE": "simpul.settings", "SIMPUL_TESTING": "true", **extra})
    code = ("import django; django.setup(); from simpul.core.http.urls import absolute_url; "
            "print(absolute_url('/lacak/'))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == expected + "/lacak/"
