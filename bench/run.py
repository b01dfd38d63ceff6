"""`make bench`: seed 10,000 learners on PostgreSQL, serve the site with gunicorn (2 workers, production
settings), load it from other processes, and print one table against the targets and the floors.

Environment: BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_LEARNERS (10000), BENCH_SECONDS (10),
BENCH_EXAM_LEARNERS (2000), BENCH_FRESH=1 to rebuild the demo organisation even if it is already there.
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ops_academy_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
LEARNERS = int(os.environ.get("BENCH_LEARNERS", "10000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
FUZZ_EXAMPLES = int(os.environ.get("BENCH_FUZZ_EXAMPLES", "2000"))
FUZZERS = ["tests/courses/test_fuzz_content.py", "tests/hr/test_fuzz_uploads.py"]
HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


PORT = int(os.environ.get("BENCH_PORT") or _free_port())
BASE = f"http://{HOST}:{PORT}"
COURSE = "ops-manager"
MODULE = "data-driven-decisions"
RESULTS = ROOT / "bench" / "results" / "latest.json"
SECRET_KEY = "bench-secret-key-" + "x" * 40
os.environ.update(DATABASE_URL=DATABASE_URL, REDIS_URL=REDIS_URL, DJANGO_SETTINGS_MODULE="bench.settings",
                  DJANGO_SECRET_KEY=SECRET_KEY)

from bench import measure, report  # noqa: E402
from bench.delivery import deliver  # noqa: E402
from bench.exam import exam_context, exam_load  # noqa: E402
from bench.learner_day import learner_day  # noqa: E402
from bench.load import quiz_submissions, wrk  # noqa: E402


def manage(*args: str, env: dict | None = None) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
                            env=env or os.environ)
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare() -> float | None:
    measure.database_ensure(DATABASE_URL)
    manage("migrate", "--noinput")
    manage("import_content")
    if os.environ.get("BENCH_FRESH") != "1" and measure.demo_learners() == LEARNERS:
        print(f"demo organisation with {LEARNERS} learners already seeded (BENCH_FRESH=1 rebuilds it)")
        return None
    started = time.perf_counter()
    print(manage("seed_demo", "--learners", str(LEARNERS), "--seed", "1", "--reset").strip())
    return time.perf_counter() - started


def start_server() -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production",
           "ALLOWED_HOSTS": HOST,
           "DJANGO_SECURE_SSL_REDIRECT": "false", "DJANGO_ROOT_URLCONF": "bench.urls", "LOG_LEVEL": "WARNING"}
    manage("collectstatic", "--noinput", "-v0", env=env)
    server = subprocess.Popen(["gunicorn", "config.wsgi:application", "--workers", "2", "--bind", f"{HOST}:{PORT}",
                               "--log-level", "warning"], cwd=ROOT, env={**env, "PATH": f"{ROOT}/.venv/bin:"
                                                                         + env["PATH"]})
    for _ in range(100):
        try:
            connection = HTTPConnection(HOST, PORT, timeout=2)
            connection.request("GET", "/bench/floor/")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start")


def sample_rss(pids: list[int], stop: threading.Event, peaks: dict[int, int]) -> None:
    while not stop.is_set():
        for pid in pids:
            peaks[pid] = max(peaks.get(pid, 0), measure.rss_bytes(pid))
        time.sleep(0.02)


def csv_export(cookie: str, course_id: int, server: subprocess.Popen) -> dict:
    pids = measure.children(server.pid)
    before = {pid: measure.rss_bytes(pid) for pid in pids}
    stop, peaks = threading.Event(), {}
    sampler = threading.Thread(target=sample_rss, args=(pids, stop, peaks))
    sampler.start()
    started = time.perf_counter()
    connection = HTTPConnection(HOST, PORT, timeout=300)
    connection.request("GET", f"/hr/export/?kind=matrix_csv&course={course_id}", headers={"Cookie": cookie})
    response = connection.getresponse()
    lines = response.read().count(b"\r\n") - 1
    elapsed = time.perf_counter() - started
    stop.set()
    sampler.join()
    growth = max(peaks[pid] - before[pid] for pid in pids)
    return {"rows": lines, "seconds": elapsed, "rows_per_s": lines / elapsed, "rss_growth_mb": growth / 2**20,
            "status": response.status}


def main() -> None:
    seed_seconds = prepare()
    context = measure.context(course_slug=COURSE, module_slug=MODULE)
    queries = measure.queries_per_page(context)
    search = measure.search_latency(context["learners"][0])
    measure.cache.clear()
    server = start_server()
    try:
        results = run_load(context)
        results["csv_export"] = csv_export(context["hr_cookie"], context["course_id"], server)
        results["page_weight"] = measure.page_weight(BASE + context["module_path"], context["cookie_pairs"][0])
    finally:
        server.terminate()
        server.wait(10)
    results["copy_floor"] = measure.copy_floor(context["course_id"])
    results["dispatcher"] = measure.dispatcher_run()
    try:
        first_log = results["dispatcher"]["first_log_id"]
        results["delivery"] = deliver(root=ROOT, env=os.environ, expected=results["dispatcher"]["queued"],
                                      settled=lambda: measure.dispatched_settled(first_log),
                                      log=RESULTS.parent / "worker.log")
    finally:
        measure.dispatcher_forget(results["dispatcher"]["first_log_id"])
    from bench import directory_sync

    results["directory_sync"] = directory_sync.measure()
    results["timed_exam"] = timed_exam()
    from bench import channels

    results["channels"] = channels.measure()
    results["search"] = search
    results["fuzz"] = fuzz_run()
    report.write(results, queries, seed_seconds, learners=LEARNERS, seconds=SECONDS, target=RESULTS)


def timed_exam() -> dict:
    """Last of the server measures: its 2,000 deadline tasks wait in the broker for no worker."""
    context = exam_context(course_slug=COURSE, busy_module_slug=MODULE)
    server = start_server()
    try:
        return exam_load(HOST, PORT, context)
    finally:
        server.terminate()
        server.wait(10)


def fuzz_run() -> list[dict]:
    """The fuzzers with many more examples than the suite runs; each input stays within its bound
    (10 s, 512 MB: tests/fuzzing.py) or the run fails. Printed here, kept in the results file."""
    report_path = ROOT / "var" / "fuzz-report.jsonl"
    report_path.parent.mkdir(exist_ok=True)
    report_path.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ROOT_URLCONF")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.test", FUZZ_EXAMPLES=str(FUZZ_EXAMPLES),
               FUZZ_REPORT=str(report_path))
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *FUZZERS], cwd=ROOT,
                            env=env, capture_output=True, text=True)
    stats = [json.loads(line) for line in report_path.read_text(encoding="utf-8").splitlines()]
    for entry in stats:
        entry["passed"] = result.returncode == 0
        print(f"fuzz: {entry['fuzzer']}: {entry['examples']} inputs, slowest {entry['slowest_seconds']:.2f} s, "
              f"{'every input within 10 s / 512 MB' if entry['passed'] else 'FAILED'}")
    if result.returncode:
        print(result.stdout[-3000:])
    return stats


def run_load(context: dict) -> dict:
    cookies = context["cookies"]
    pages = {"framework_floor": "/bench/floor/", "module_page": context["module_path"],
             "course_outline": f"/courses/{COURSE}/", "dashboard": "/me/"}
    results = {name: wrk(BASE + path, cookies, seconds=SECONDS) for name, path in pages.items()}
    beat = f"/progress/beat/{context['module'].pk}/"
    results["heartbeat"] = wrk(BASE + beat, cookies, seconds=SECONDS, method="POST", body="seconds=15",
                               headers={"X-CSRFToken": context["csrf"],
                                        "Content-Type": "application/x-www-form-urlencoded"})
    # Learners who have never opened the course's modules, each through every module in turn.
    results["module_page_rendered"] = {
        **wrk(BASE, context["first_view_cookies"], seconds=SECONDS, paths=context["module_paths"]),
        "pages": f"{len(context['module_paths'])} modules × {len(context['first_view_cookies'])} learners"}
    results["hr_report"] = wrk(BASE + "/hr/", [context["hr_cookie"]], seconds=SECONDS, connections=2)
    results["quiz_submit"] = quiz_submissions(HOST, PORT, measure.quiz_jobs(context))
    results["learner_day"] = learner_day(HOST, PORT, context["day"])
    # The floor again at the end: the machine's load drifts during a run (other work shares its
    # cores), so the ratios use the mean of the first and the last measure.
    first, last = results["framework_floor"], wrk(BASE + "/bench/floor/", cookies, seconds=SECONDS)
    results["framework_floor"] = {
        "rps": (first["rps"] + last["rps"]) / 2, "p50_ms": (first["p50_ms"] + last["p50_ms"]) / 2,
        "p99_ms": max(first["p99_ms"], last["p99_ms"]), "errors": first["errors"] + last["errors"],
        "rps_first": first["rps"], "rps_last": last["rps"]}
    return results



if __name__ == "__main__":
    main()
