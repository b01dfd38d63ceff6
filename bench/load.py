"""Load generators that run in their own processes: wrk for GET pages, a threaded HTTP client for
quiz submissions (each needs a fresh attempt and its tokens)."""

import re
import subprocess
import tempfile
import threading
import time
from http.client import HTTPConnection
from pathlib import Path
from statistics import median
from urllib.parse import urlencode

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
LATENCY_RE = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def wrk(url: str, cookies: list[str], *, seconds: int, connections: int = 4, paths: list[str] = (),
        method: str = "GET", body: str = "", headers: dict | None = None) -> dict:
    """requests/s, p50 and p99 (ms) from wrk, cycling through the learners' session cookies and, if
    given, through `paths` (each learner visits each path once before any visits one twice)."""
    listed = ", ".join(f'"{c}"' for c in cookies or [""])
    path_list = ", ".join(f'"{p}"' for p in paths)
    pick_path = "paths[(math.floor(i / #cookies) % #paths) + 1]" if paths else "nil"
    extra = "".join(f'["{k}"] = "{v}", ' for k, v in (headers or {}).items())
    payload = f'"{body}"' if body else "nil"
    script = (f"cookies = {{{listed}}}\npaths = {{{path_list}}}\ni = 0\nrequest = function()\n  i = i + 1\n"
              f"  return wrk.format(\"{method}\", {pick_path}, {{{extra}[\"Cookie\"] = cookies[(i % #cookies) + 1]}}, "
              f"{payload})\nend\n")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    result = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", handle.name,
                             url], capture_output=True, text=True, check=True)
    Path(handle.name).unlink()
    out = result.stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    latency = {p: float(v) * UNITS[u] for p, v, u in LATENCY_RE.findall(out)}
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": latency["50"], "p99_ms": latency["99"], "errors": int(errors.group(1)) if errors else 0}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def quiz_submissions(host: str, port: int, jobs: list[dict], *, threads: int = 4) -> dict:
    """jobs: {"cookie", "path", "form"}; each posts a prepared quiz form once. Times the POSTs only."""
    timings: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    queue = list(jobs)

    def worker():
        connection = HTTPConnection(host, port, timeout=30)
        while True:
            with lock:
                if not queue:
                    break
                job = queue.pop()
            body = urlencode(job["form"], doseq=True)
            headers = {"Cookie": job["cookie"], "Content-Type": "application/x-www-form-urlencoded",
                       "X-CSRFToken": job["csrf"], "Host": f"{host}:{port}"}
            start = time.perf_counter()
            connection.request("POST", job["path"], body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                timings.append(elapsed)
                if response.status != 302:
                    errors.append(response.status)
        connection.close()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    wall = time.perf_counter() - started
    return {"rps": len(timings) / wall, "p50_ms": median(timings), "p99_ms": _percentile(timings, 0.99),
            "errors": len(errors)}
