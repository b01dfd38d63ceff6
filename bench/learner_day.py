"""The learner day: many distinct learners each walk one module the way a browser does, and the
same client, with the same signed-in sessions, measures the framework floor for comparison.

Each learner: outline → module (first view) → three heartbeats → "I have finished reading" →
module again → quiz submitted from the form on the page → the result page → 我的学习. The quiz is
answered from the page's own form: the option tokens are read from the HTML and the right ones are
picked by their text (the bench knows the questions, the page never says which option is right).
"""

import html
import re
import threading
import time
from http.client import HTTPConnection
from statistics import median
from urllib.parse import urlencode

STEPS = ["outline", "module", "heartbeat", "heartbeat", "heartbeat", "read", "module_again", "quiz_submit",
         "result", "dashboard"]
ATTEMPT_RE = re.compile(r'name="attempt" value="(\d+)"')
BEAT_RE = re.compile(r'data-heartbeat-url="([^"]+)"')
OPTION_RE = re.compile(r'<input type="(?:radio|checkbox)" name="(q-[^"]+)" value="([^"]+)"[^>]*>\s*(.*?)</label>',
                       re.S)
LANG_SPAN_RE = re.compile(r'^<span lang="[^"]*">(.*)</span>$', re.S)
TEXT_RE = re.compile(r'<input id="q-[^"]+" name="(q-[^"]+)" type="text"')


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


def quiz_form(page: str, answers: dict) -> dict:
    """The posted form: the attempt id and, per question, the options whose text is right.

    answers: {field name: {"right_html": set of option HTML, "text": typed answer or None}}."""
    form: dict[str, list[str] | str] = {"attempt": ATTEMPT_RE.search(page).group(1)}
    for name, value, label in OPTION_RE.findall(page):
        if _unwrapped(label) in answers[name]["right_html"]:
            form.setdefault(name, []).append(html.unescape(value))
    for name in TEXT_RE.findall(page):
        form[name] = answers[name]["text"]
    return form


def _unwrapped(label: str) -> str:
    """The option's own HTML: the page wraps course text in a span carrying the course's language."""
    label = label.strip()
    found = LANG_SPAN_RE.match(label)
    return found.group(1).strip() if found else label


class Client:
    """One keep-alive connection (gunicorn's sync workers close it; http.client then reconnects)."""

    def __init__(self, host: str, port: int, cookie: str, csrf: str):
        self.connection = HTTPConnection(host, port, timeout=60)
        self.headers = {"Cookie": cookie, "Host": f"{host}:{port}"}
        self.csrf = csrf

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, float]:
        headers = dict(self.headers)
        body = None
        if method == "POST":
            body = urlencode(form or {}, doseq=True)
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": self.csrf})
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, text, (time.perf_counter() - started) * 1000


def _walk(client: Client, learner: dict, record) -> None:
    module, course = learner["module_path"], learner["course_path"]
    record("outline", *client.request("GET", course)[::2])
    status, page, ms = client.request("GET", module)
    record("module", status, ms)
    beat = BEAT_RE.search(page).group(1)
    for _ in range(3):
        record("heartbeat", *client.request("POST", beat, {"seconds": "15"})[::2])
    record("read", *client.request("POST", module + "read/")[::2])
    status, page, ms = client.request("GET", module)
    record("module_again", status, ms)
    record("quiz_submit", *client.request("POST", module + "quiz/", quiz_form(page, learner["answers"]))[::2])
    record("result", *client.request("GET", module)[::2])
    record("dashboard", *client.request("GET", "/me/")[::2])


def _pool(host: str, port: int, learners: list[dict], threads: int, job) -> tuple[list, float]:
    """Run job(client, learner, record) for every learner on `threads` threads; (records, wall seconds)."""
    records: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    queue = list(reversed(learners))

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                learner = queue.pop()
            client = Client(host, port, learner["cookie"], learner["csrf"])
            local: list[tuple[str, int, float]] = []
            job(client, learner, lambda step, status, ms, mine=local: mine.append((step, status, ms)))
            client.connection.close()
            with lock:
                records.extend(local)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return records, time.perf_counter() - started


EXPECTED = {"heartbeat": 200, "read": 302, "quiz_submit": 302}


def _summary(records: list, wall: float) -> dict:
    steps = {}
    for step in dict.fromkeys(STEPS):
        times = [ms for name, _, ms in records if name == step]
        steps[step] = {"p50_ms": median(times), "p99_ms": percentile(times, 0.99), "requests": len(times)}
    errors = sum(1 for name, status, _ in records if status != EXPECTED.get(name, 200))
    times = [ms for _, _, ms in records]
    return {"rps": len(records) / wall, "p50_ms": median(times), "p99_ms": percentile(times, 0.99),
            "requests": len(records), "errors": errors, "steps": steps}


def _floor(host: str, port: int, learners: list[dict], threads: int) -> tuple[list, float]:
    def walk(client, learner, record):
        for _ in STEPS:
            record("floor", *client.request("GET", "/bench/floor/")[::2])

    return _pool(host, port, learners, threads, walk)


def learner_day(host: str, port: int, learners: list[dict], *, threads: int = 4) -> dict:
    """The walk for every learner, with the floor (same sessions, as many requests) measured just
    before and just after it; the floor is their mean, so a machine whose load drifts during the
    run moves both sides of the ratio alike."""
    before, before_wall = _floor(host, port, learners, threads)
    records, wall = _pool(host, port, learners, threads, _walk)
    after, after_wall = _floor(host, port, learners, threads)
    day = _summary(records, wall)
    floor_records = before + after
    times = [ms for _, _, ms in floor_records]
    day["floor"] = {"rps": len(floor_records) / (before_wall + after_wall), "p50_ms": median(times),
                    "p99_ms": percentile(times, 0.99),
                    "rps_before": len(before) / before_wall, "rps_after": len(after) / after_wall,
                    "errors": sum(1 for _, status, _ in floor_records if status != 200)}
    day["learners"] = len(learners)
    return day
