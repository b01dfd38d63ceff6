"""Real Redis and PostgreSQL servers of a test's own, on free loopback ports, that the test stops
and starts. Never the machine's shared instances. Missing binaries skip the test (fail with
REQUIRE_INTEGRATION=1, as CI sets)."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

WAIT_SECONDS = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def need(binary: str | None, what: str) -> str:
    if binary is None or not os.path.exists(binary):
        (pytest.fail if os.environ.get("REQUIRE_INTEGRATION") else pytest.skip)(f"{what} is not installed")
    return binary


def wait_for(check, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} did not come up within {WAIT_SECONDS} s")


def accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class RedisServer:
    """``redis-server`` without persistence on a port of its own."""

    def __init__(self) -> None:
        self.binary = need(shutil.which("redis-server"), "redis-server")
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: accepts(self.port), "redis-server")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=WAIT_SECONDS)
            self.process = None


class PostgresServer:
    """A throw-away cluster (initdb) in a temporary folder. initdb refuses to run as root, so as
    root every PostgreSQL command runs as the ``postgres`` user (runuser)."""

    def __init__(self) -> None:
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
        found = bins[0] if bins else os.path.dirname(shutil.which("pg_ctl") or "")
        self.bin = os.path.dirname(need(os.path.join(found, "pg_ctl") if found else None, "PostgreSQL"))
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="ops-pg-"))
        self.data = self.root / "data"
        if os.geteuid() == 0:
            need(shutil.which("runuser"), "runuser (to run PostgreSQL as a non-root user)")
            shutil.chown(self.root, "postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, name: str, *args: str) -> None:
        command = [os.path.join(self.bin, name), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
