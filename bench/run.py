"""`make bench`: seed 10,000 learners on PostgreSQL, serve the site with gunicorn (2 workers, production
settings), load it from other processes, and print one table against the targets and the floors.

Environment: BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_LEARNERS (10000), BENCH_SECONDS (10),
BENCH_FRESH=1 to rebuild the demo organisation even if it is already there.
"""

import json
import os
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
HOST, PORT = "127.0.0.1", 8765
BASE = f"http://{HOST}:{PORT}"
COURSE = "ops-manager"
MODULE = "data-driven-decisions"
RESULTS = ROOT / "bench" / "results" / "latest.json"
SECRET_KEY = "bench-secret-key-" + "x" * 40
os.environ.update(DATABASE_URL=DATABASE_URL, REDIS_URL=REDIS_URL, DJANGO_SETTINGS_MODULE="bench.settings",
                  DJANGO_SECRET_KEY=SECRET_KEY)

from bench import measure  # noqa: E402
from bench.load import quiz_submissions, wrk  # noqa: E402

TARGETS = {
    "module_page": "≥ 60% of floor rps, p99 < 50 ms",
    "course_outline": "p99 < 100 ms",
    "dashboard": "p99 < 100 ms",
    "csv_export": "≥ 40% of COPY rows/s, RSS growth < 100 MB",
    "dispatcher": "< 10 s",
    "page_weight": "< 150 KB",
    "directory_sync": "< 60 s; second run changes nothing; mass deactivation held",
    "search": "p99 < 30 ms",
}


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


def row(name: str, result: dict, queries: int | str = "", target: str = "", verdict: str = "") -> list[str]:
    rps = f"{result['rps']:.0f}" if "rps" in result else ""
    p50 = f"{result['p50_ms']:.1f}" if "p50_ms" in result else ""
    p99 = f"{result['p99_ms']:.1f}" if "p99_ms" in result else ""
    return [name, rps, p50, p99, str(queries), result.get("note", ""), target, verdict]


def table(rows: list[list[str]]) -> str:
    header = ["measure", "req/s", "p50 ms", "p99 ms", "SQL/req", "other", "target", "met"]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True))  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


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
    results["dispatcher"] = measure.dispatcher_seconds()
    from bench import directory_sync

    results["directory_sync"] = directory_sync.measure()
    results["search"] = search
    report(results, queries, seed_seconds)


def run_load(context: dict) -> dict:
    cookies = context["cookies"]
    pages = {"framework_floor": "/bench/floor/", "module_page": context["module_path"],
             "course_outline": f"/courses/{COURSE}/", "dashboard": "/me/"}
    results = {name: wrk(BASE + path, cookies, seconds=SECONDS) for name, path in pages.items()}
    # Every learner through every module: pages the render cache has not seen (it starts empty).
    results["module_page_rendered"] = {
        **wrk(BASE, cookies, seconds=SECONDS, paths=context["module_paths"]),
        "pages": f"{len(context['module_paths'])} modules × {len(cookies)} learners"}
    results["hr_report"] = wrk(BASE + "/hr/", [context["hr_cookie"]], seconds=SECONDS, connections=2)
    results["quiz_submit"] = quiz_submissions(HOST, PORT, measure.quiz_jobs(context))
    return results


def report(results: dict, queries: dict, seed_seconds: float | None) -> None:
    floor, module, rendered = results["framework_floor"], results["module_page"], results["module_page_rendered"]
    ratio = module["rps"] / floor["rps"]
    export, copy = results["csv_export"], results["copy_floor"]
    export_ratio = export["rows_per_s"] / copy["rows_per_s"]
    ok = lambda condition: "yes" if condition else "NO"  # noqa: E731
    export["note"] = (f"{export['rows_per_s']:.0f} rows/s = {export_ratio:.0%} of COPY, "
                      f"RSS +{export['rss_growth_mb']:.1f} MB")
    copy["note"] = f"{copy['rows_per_s']:.0f} rows/s ({copy['rows']} rows)"
    rows = [
        row("framework floor", floor, queries["framework_floor"]),
        row("module page", {**module, "note": f"{ratio:.0%} of floor"}, queries["module_page"],
            TARGETS["module_page"], ok(ratio >= 0.6 and module["p99_ms"] < 50)),
        row("module page, first views", {**rendered, "note": f"{rendered['rps'] / floor['rps']:.0%} of floor; "
                                                             f"{rendered['pages']}"},
            queries["module_page_rendered"]),
        row("course outline", results["course_outline"], queries["course_outline"], TARGETS["course_outline"],
            ok(results["course_outline"]["p99_ms"] < 100)),
        row("learner dashboard", results["dashboard"], queries["dashboard"], TARGETS["dashboard"],
            ok(results["dashboard"]["p99_ms"] < 100)),
        row("quiz submission", results["quiz_submit"], queries["quiz_submit"]),
        row("HR report (all learners)", results["hr_report"], queries["hr_report"]),
        row("CSV export, full matrix", export, "", TARGETS["csv_export"],
            ok(export_ratio >= 0.4 and export["rss_growth_mb"] < 100)),
        row("database floor (COPY)", copy),
        row("reminder dispatcher", {"note": f"{results['dispatcher']['seconds']:.2f} s for "
                                            f"{results['dispatcher']['enrollments']} enrolments"},
            "", TARGETS["dispatcher"], ok(results["dispatcher"]["seconds"] < 10)),
        row("search, p99 over the whole course", results["search"], results["search"]["queries"],
            TARGETS["search"], ok(results["search"]["p99_ms"] < 30)),
        row("module page weight", {"note": f"{results['page_weight']['kb']:.1f} KB in "
                                           f"{results['page_weight']['requests']} requests"},
            "", TARGETS["page_weight"], ok(results["page_weight"]["kb"] < 150)),
    ]
    sync = results["directory_sync"]
    rows.append(row("directory sync (WeCom)", {"note": f"{sync['full_seconds']:.1f} s for {sync['created']} people "
                                                       f"in {sync['departments']} departments ({sync['requests']} "
                                                       f"requests); again: {sync['second_changes']} changes in "
                                                       f"{sync['second_seconds']:.1f} s"},
                    "", TARGETS["directory_sync"],
                    ok(sync["full_seconds"] < 60 and sync["second_changes"] == 0 and sync["mass_deactivation_held"])))
    if seed_seconds is not None:
        rows.append(row("seed_demo", {"note": f"{seed_seconds:.1f} s for {LEARNERS} learners"}, "", "< 60 s",
                        ok(seed_seconds < 60)))
    print()
    print(table(rows))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"learners": LEARNERS, "seconds_per_run": SECONDS, "seed_seconds": seed_seconds,
                                   "queries": queries, "results": results, "table": rows}, indent=2,
                                  ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
