"""In-process measurements for the benchmark: sessions, SQL per request, COPY floor, dispatcher."""

import io
import re
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlparse

import django

django.setup()

import psycopg2  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.middleware.csrf import _get_new_csrf_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import role_grant  # noqa: E402
from courses.models import Course, Module  # noqa: E402
from demo.services import DEMO_DOMAIN  # noqa: E402
from hr.exports import matrix_queries, matrix_rows  # noqa: E402
from hr.filters import ReportFilters  # noqa: E402
from progress.models import Enrollment, ModuleProgress  # noqa: E402
from quizzes.models import Attempt, QuestionResult  # noqa: E402
from quizzes.selectors import current_questions  # noqa: E402
from quizzes.services import attempt_start  # noqa: E402
from reminders.models import ReminderLog  # noqa: E402

SESSIONS = 40
SUBMISSIONS = 240
FIRST_VIEWERS = 40
DAY_LEARNERS = 160
# Real questions over the whole course: terms, phrases, mixed scripts, full width, a question with
# function words, broad words with many hits, and two that fall back to "any of the words" (two
# SQL queries: the most a search costs).
SEARCH_QUERIES = ["留存率", "北极星指标", "A/B 测试", "ROI", "私域流量", "D7", "同期群", "漏斗", "裂变", "SOP",
                  "OKR", "用户画像", "次日留存", "ＲＯＩ", "什么是留存率", "KPI 与 OKR 的区别", "运营", "用户", "数据",
                  "增长 品牌 预算", "量子纠缠", "ROI 量子纠缠"]
SEARCH_ROUNDS = 20


def database_ensure(url: str) -> None:
    parts = urlparse(url)
    admin = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
                             password=parts.password, dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [parts.path.lstrip("/")])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{parts.path.lstrip("/")}"')
    admin.close()


def demo_learners() -> int:
    return User.objects.filter(email__startswith="learner", email__endswith="@" + DEMO_DOMAIN).count()


def _session(user: User) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def _learners(course: Course, count: int) -> list[User]:
    return list(User.objects.filter(email__startswith="learner", email__endswith="@" + DEMO_DOMAIN,
                                    enrollments__course=course, enrollments__completed_at__isnull=True)
                .order_by("email")[:count])


def _forget(users: list[User], modules: list[Module]) -> None:
    """Take these learners back to before they opened these modules, so every run sees first views."""
    quiz_ids = [m.quiz_id for m in modules if m.quiz_id]
    QuestionResult.objects.filter(user__in=users, question__quiz_id__in=quiz_ids).delete()
    Attempt.objects.filter(user__in=users, quiz_id__in=quiz_ids).delete()
    ModuleProgress.objects.filter(user__in=users, module__in=modules).delete()
    Enrollment.objects.filter(user__in=users, course_id=modules[0].course_id).update(
        last_module=None, last_activity_at=None, started_at=None, active_seconds=0, modules_completed=0,
        average_best_score=None, completed_at=None)


def context(*, course_slug: str, module_slug: str) -> dict:
    course = Course.objects.get(slug=course_slug)
    module = Module.objects.get(course=course, slug=module_slug)
    learners = _learners(course, SESSIONS + SUBMISSIONS + FIRST_VIEWERS + DAY_LEARNERS)
    hr = User.objects.get(email=f"manager00000@{DEMO_DOMAIN}")
    role_grant(user=hr, role="hr")
    csrf = _get_new_csrf_string()
    pairs = [(u, _session(u)) for u in learners]
    first_viewers = pairs[SESSIONS + SUBMISSIONS:SESSIONS + SUBMISSIONS + FIRST_VIEWERS]
    day = pairs[SESSIONS + SUBMISSIONS + FIRST_VIEWERS:]
    live = list(course.modules.live().order_by("position"))
    _forget([u for u, _ in first_viewers], live)
    _forget([u for u, _ in day], [module])
    course_path, module_path = f"/courses/{course_slug}/", f"/courses/{course_slug}/{module_slug}/"
    answers = quiz_answers(module)
    return {
        "course_id": course.pk, "module": module, "module_path": module_path,
        "module_paths": [f"/courses/{course_slug}/{m.slug}/" for m in live],
        "learners": learners, "csrf": csrf,
        "cookies": [f"sessionid={key}; csrftoken={csrf}" for _, key in pairs[:SESSIONS]],
        "cookie_pairs": [key for _, key in pairs[:SESSIONS]],
        "first_view_cookies": [f"sessionid={key}; csrftoken={csrf}" for _, key in first_viewers],
        "submitters": pairs[SESSIONS:SESSIONS + SUBMISSIONS],
        "day": [{"cookie": f"sessionid={key}; csrftoken={csrf}", "csrf": csrf, "course_path": course_path,
                 "module_path": module_path, "answers": answers} for _, key in day],
        "hr_cookie": f"sessionid={_session(hr)}; csrftoken={csrf}", "hr": hr,
    }


def quiz_answers(module: Module) -> dict:
    """What a learner who knows the material picks, by form field: option texts or a typed answer."""
    answers = {}
    for question in current_questions(module.quiz):
        right = {c.text_html.strip() for c in question.current_choices if c.is_correct}
        text = None
        if question.kind == "truefalse":
            right = {"正确" if question.answer["value"] else "错误"}
        elif question.kind == "numeric":
            text = question.answer["value"]
        elif question.kind == "text":
            text = question.answer["accepted"][0]
        answers[f"q-{question.key}"] = {"right_html": right, "text": text}
    return answers


def _count(client: Client, method: str, path: str, data: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(path, data or {})
    assert response.status_code in (200, 302), (path, response.status_code)
    return len(captured.captured_queries)


def queries_per_page(ctx: dict) -> dict:
    client = Client()
    learner = ctx["learners"][0]
    client.force_login(learner)
    client.get(ctx["module_path"])
    cache.clear()
    counts = {"framework_floor": _count(client, "get", "/bench/floor/"),
              "module_page_rendered": _count(client, "get", ctx["module_path"]),
              "module_page": _count(client, "get", ctx["module_path"]),
              "course_outline": _count(client, "get", ctx["module_path"].rsplit("/", 2)[0] + "/"),
              "dashboard": _count(client, "get", "/me/")}
    module_id = ctx["module"].pk
    counts["heartbeat"] = _count(client, "post", f"/progress/beat/{module_id}/", {"seconds": "15"})
    job = _job(learner, ctx)
    counts["quiz_submit"] = _count(client, "post", job["path"], job["form"])
    hr = Client()
    hr.force_login(ctx["hr"])
    counts["hr_report"] = _count(hr, "get", "/hr/")
    return counts


def _job(user: User, ctx: dict, session: str = "") -> dict:
    """A prepared quiz form for one learner: an open attempt and mostly right answers."""
    module = ctx["module"]
    questions = current_questions(module.quiz)
    attempt = attempt_start(user=user, quiz=module.quiz, questions=questions)
    form = {"attempt": str(attempt.pk)}
    for question in questions:
        choices = dict((key, token) for token, key in attempt.layout[question.key]["choices"])
        right = [c.key for c in question.current_choices if c.is_correct]
        if question.kind in ("single", "multiple"):
            form[f"q-{question.key}"] = [choices[k] for k in right]
        elif question.kind == "truefalse":
            form[f"q-{question.key}"] = "true" if question.answer["value"] else "false"
        elif question.kind == "numeric":
            form[f"q-{question.key}"] = question.answer["value"]
        else:
            form[f"q-{question.key}"] = question.answer["accepted"][0]
    return {"path": ctx["module_path"] + "quiz/", "form": form, "csrf": ctx["csrf"],
            "cookie": f"sessionid={session}; csrftoken={ctx['csrf']}"}


def search_latency(user: User, *, rounds: int = SEARCH_ROUNDS) -> dict:
    """The search results page over the whole course, in process (full middleware, SQL, template):
    every query of SEARCH_QUERIES `rounds` times; p50 / p99 in ms and the most SQL one search ran."""
    client = Client()
    client.force_login(user)
    client.get("/search/", {"q": "warm"})  # the segmenter's dictionary loads once per process
    timings = []
    for _ in range(rounds):
        for query in SEARCH_QUERIES:
            started = time.perf_counter()
            response = client.get("/search/", {"q": query})
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, query
    ordered = sorted(timings)
    sql = max(_count(client, "get", f"/search/?q={quote(query)}") for query in SEARCH_QUERIES)
    return {"rps": len(timings) / (sum(timings) / 1000), "p50_ms": ordered[len(ordered) // 2],
            "p99_ms": ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))], "queries": sql,
            "note": f"{len(SEARCH_QUERIES)} queries × {rounds}, in process, {Module.objects.live().count()} modules"}


def quiz_jobs(ctx: dict) -> list[dict]:
    return [_job(user, ctx, session) for user, session in ctx["submitters"]]


def copy_floor(course_id: int) -> dict:
    """COPY the export's own two queries (enrolments and module progress) straight to a sink."""
    course = Course.objects.get(pk=course_id)
    filters = ReportFilters(course_id=course_id)
    sink = io.StringIO()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for queryset in matrix_queries(filters, course):
            sql, params = queryset.query.sql_with_params()
            cursor.cursor.copy_expert(f"COPY ({cursor.cursor.mogrify(sql, params).decode()}) TO STDOUT", sink)
    elapsed = time.perf_counter() - started
    rows = sum(1 for _ in matrix_rows(filters, course)) - 1
    return {"rows": rows, "seconds": elapsed, "rows_per_s": rows / elapsed}


def pinned_dispatch_time() -> datetime:
    """Today at 10:00 in the site's zone: inside the default sending window whenever the bench runs."""
    local = timezone.localtime()
    return local.replace(hour=10, minute=0, second=0, microsecond=0)


def dispatcher_run() -> dict:
    """The dispatcher over every enrolment at a pinned time inside the window. The rows it logs stay
    (their tasks wait in the broker for the delivery measure); dispatcher_forget removes them."""
    from reminders.services import reminders_dispatch

    before = ReminderLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    when = pinned_dispatch_time()
    started = time.perf_counter()
    result = reminders_dispatch(now=when)
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "enrollments": Enrollment.objects.count(), "queued": result.queued,
            "at": when.isoformat(), "result": str(result), "first_log_id": before + 1}


def dispatched_settled(first_log_id: int) -> bool:
    open_states = [ReminderLog.Status.PENDING, ReminderLog.Status.SENDING]
    return not ReminderLog.objects.filter(pk__gte=first_log_id, status__in=open_states).exists()


def dispatcher_forget(first_log_id: int) -> None:
    import redis

    ReminderLog.objects.filter(pk__gte=first_log_id).delete()
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()


def page_weight(url: str, session: str) -> dict:
    from playwright.sync_api import sync_playwright

    chromium = "/usr/bin/chromium"
    if not Path(chromium).exists():
        return {"kb": float("nan"), "requests": 0, "note": "no chromium"}
    total, count = 0, 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync"])
        context = browser.new_context()
        host = urlparse(url).hostname
        context.add_cookies([{"name": "sessionid", "value": session, "domain": host, "path": "/"}])
        page = context.new_page()
        responses = []
        page.on("response", lambda response: responses.append(response))
        page.goto(url, wait_until="networkidle")
        for response in responses:
            total += len(response.body())
            count += 1
        browser.close()
    return {"kb": total / 1024, "requests": count}


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(p) for p in text)
    return found


def rss_bytes(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) * 1024


