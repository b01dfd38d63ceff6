"""Demo data, for local and demo settings only: the three demo accounts, and a realistic demo
organisation built with bulk inserts and a seeded random generator.

Learners have an ability, questions a difficulty; each answer is right with a logistic
probability of their difference, so scores, pass rates and question statistics look real.
"""

import io
import json
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.roles import role_grant
from courses.models import Course, Module
from progress.models import Certificate, Cohort, CohortMember, CourseAssignment, Enrollment, ModuleProgress
from quizzes.models import Attempt, QuestionResult

DEMO_DOMAIN = "org.demo.local"
DEMO_PASSWORD = "demo-pass-2026"
BATCH = 5000
DEPARTMENTS = [("运营部", 28), ("市场部", 16), ("产品部", 12), ("客服部", 18), ("销售部", 14), ("技术部", 6),
               ("人力资源部", 3), ("财务部", 3)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鹏飞宇浩然欣怡子涵梓萱晨阳佳琪思远"
TEAM_SIZE = 12
# Cohort names say the organisation is demo data wherever HR sees them (filters, reports, exports).
DEMO_COHORT_PREFIX = "演示数据 · 2026 运营能力提升 · "
DEMO_ACCOUNTS = [
    ("learner@demo.local", "演示学员", "运营部", [Role.LEARNER]),
    ("trainer@demo.local", "演示讲师", "培训部", [Role.LEARNER, Role.TRAINER]),
    ("hr@demo.local", "演示HR", "人力资源部", [Role.LEARNER, Role.HR]),
]


class DemoRefused(Exception):
    pass


@dataclass
class DemoReport:
    learners: int = 0
    managers: int = 0
    enrollments: int = 0
    progress_rows: int = 0
    attempts: int = 0
    certificates: int = 0
    overdue: int = 0
    counts: dict = field(default_factory=dict)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _department(rng: random.Random) -> str:
    names, weights = zip(*DEPARTMENTS, strict=True)
    return rng.choices(names, weights)[0]


def _aware(day: date, rng: random.Random) -> datetime:
    moment = time(hour=rng.randint(9, 21), minute=rng.randint(0, 59))
    return timezone.make_aware(datetime.combine(day, moment))


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _insert_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> int:
    """Insert plain tuples: COPY on PostgreSQL (an order of magnitude faster), bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        for start in range(0, len(rows), BATCH):
            model.objects.bulk_create(model(**dict(zip(columns, row, strict=True)))
                                      for row in rows[start:start + BATCH])
        return len(rows)
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_value(value) for value in row) + "\n")
    buffer.seek(0)
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {model._meta.db_table} ({names}) FROM STDIN", buffer)
    return len(rows)


def _bulk(model, rows):
    created = []
    for start in range(0, len(rows), BATCH):
        created.extend(model.objects.bulk_create(rows[start:start + BATCH]))
    return created


def demo_exists() -> bool:
    return User.objects.filter(email__endswith="@" + DEMO_DOMAIN).exists()


@transaction.atomic
def demo_seed(*, learners: int, seed: int, course: Course, today: date | None = None) -> DemoReport:
    if demo_exists():
        raise DemoRefused("demo organisation already exists; run with --reset to rebuild it")
    if connection.vendor == "postgresql":  # demo data: no need to wait for the WAL flush at commit
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
    rng = random.Random(seed)
    today = today or timezone.localdate()
    modules = list(Module.objects.live().filter(course=course).select_related("quiz").order_by("position"))
    report = DemoReport()
    people = _people(rng, learners, report)
    enrollments = _assignments(rng, people, course, today, report)
    _progress(rng, people, enrollments, modules, today, report)
    return report


def _people(rng: random.Random, learners: int, report: DemoReport) -> list[User]:
    password = make_password(DEMO_PASSWORD)
    managers_needed = max(1, math.ceil(learners / TEAM_SIZE))
    managers = [User(email=f"manager{n:05d}@{DEMO_DOMAIN}", display_name=_name(rng), password=password,
                     department=_department(rng), employee_no=f"M{n:05d}") for n in range(managers_needed)]
    managers = _bulk(User, managers)
    by_department: dict[str, list[User]] = {}
    for manager in managers:
        by_department.setdefault(manager.department, []).append(manager)
    people = []
    for n in range(learners):
        department = _department(rng)
        team = by_department.get(department) or managers
        people.append(User(email=f"learner{n:05d}@{DEMO_DOMAIN}", display_name=_name(rng), password=password,
                           department=department, employee_no=f"E{n:05d}", manager=rng.choice(team)))
    report.learners, report.managers = learners, managers_needed
    return _bulk(User, people)


def _assignments(rng: random.Random, people: list[User], course: Course, today: date,
                 report: DemoReport) -> dict[int, Enrollment]:
    departments = sorted({p.department for p in people})
    cohorts = {d: Cohort.objects.create(name=f"{DEMO_COHORT_PREFIX}{d}") for d in departments}
    _bulk(CohortMember, [CohortMember(cohort=cohorts[p.department], user=p) for p in people])
    assignments = {}
    for offset, (department, cohort) in enumerate(cohorts.items()):
        due = today + timedelta(days=rng.choice((-20, -6, 5, 12, 30, 45)) + offset)
        assignments[department] = CourseAssignment.objects.create(cohort=cohort, course=course, due_date=due)
    # Saved after the progress is generated, so each row is written once with its dates.
    report.enrollments = len(people)
    return {p.pk: Enrollment(user=p, course=course, assignment=assignments[p.department], source="assigned",
                             due_date=assignments[p.department].due_date, enrolled_at=timezone.now())
            for p in people}


@dataclass
class _QuizInfo:
    quiz_id: int
    version: int
    questions: list[tuple]  # (question id, key, kind, version, difficulty, right answer, wrong answers)


def _quiz_info(rng: random.Random, module: Module) -> _QuizInfo | None:
    if module.quiz is None:
        return None
    questions = []
    for q in module.quiz.questions.filter(is_active=True).prefetch_related("choices").order_by("order"):
        choices = [c for c in q.choices.all() if c.version == q.version]
        right, wrong = _answers(q, choices)
        questions.append((q.pk, q.key, q.kind, q.version, rng.gauss(-1.9, 0.8), right, wrong))
    return _QuizInfo(module.quiz_id, module.quiz.version, questions)


def _answers(question, choices) -> tuple[object, list]:
    if question.kind == "single":
        return next(c.key for c in choices if c.is_correct), [c.key for c in choices if not c.is_correct]
    if question.kind == "multiple":
        right = sorted(c.key for c in choices if c.is_correct)
        return right, [sorted(right[:-1] or [c.key for c in choices if not c.is_correct][:1])]
    if question.kind == "truefalse":
        return question.answer["value"], [not question.answer["value"]]
    if question.kind == "numeric":
        value = question.answer["value"]
        return value, [str(float(value) * 2 + 1)]
    return question.answer["accepted"][0], ["不确定"]


PROGRESS_COLUMNS = ("user_id", "module_id", "first_viewed_at", "last_viewed_at", "last_beat_at",
                    "active_seconds", "read_at", "passed_at", "best_score", "completed_at")
ATTEMPT_COLUMNS = ("user_id", "quiz_id", "number", "quiz_version", "status", "started_at", "submitted_at",
                   "layout", "responses", "outcomes", "score", "pass_mark", "passed")
RESULT_COLUMNS = ("user_id", "question_id", "last_correct", "last_credit", "wrong_count", "updated_at")


class _Builder:
    """Collects rows as plain tuples: building 600,000 model instances would dominate the run."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.progress: list[tuple] = []
        self.attempts: list[tuple] = []
        self.results: list[tuple] = []
        self.rollups: dict[int, dict] = {}

    def take_quiz(self, user_id: int, info: _QuizInfo, ability: float, when: datetime) -> int:
        """Attempts until passed (at most four); returns the best score."""
        best, wrong_counts, last = 0, {}, {}
        for number in range(1, 5):
            outcomes, responses = {}, {}
            for qid, key, _kind, _version, difficulty, right, wrong in info.questions:
                p_right = 1 / (1 + math.exp(-(ability + 0.7 * (number - 1) - difficulty)))
                correct = self.rng.random() < p_right
                # Outcomes hold each question's credit (0..1), as grading stores them.
                outcomes[key], responses[key] = int(correct), right if correct else self.rng.choice(wrong)
                wrong_counts[qid] = wrong_counts.get(qid, 0) + (not correct)
                last[qid] = correct
            score = round(100 * sum(outcomes.values()) / max(len(outcomes), 1))
            best = max(best, score)
            self.attempts.append((user_id, info.quiz_id, number, info.version, "submitted", when,
                                  when + timedelta(minutes=6), {}, responses, outcomes, score, 80, score >= 80))
            if score >= 80:
                break
            when += timedelta(hours=self.rng.randint(2, 30))
        self.results.extend((user_id, qid, last[qid], int(last[qid]), count, when)
                            for qid, count in wrong_counts.items() if count)
        return best


def _plan(rng: random.Random, total: int) -> int:
    """How many modules a learner has completed: a realistic spread with a long tail."""
    roll = rng.random()
    if roll < 0.15:
        return 0
    if roll < 0.45:
        return total
    return rng.randint(1, total - 1)


def _learner_progress(builder: _Builder, person: User, modules: list[Module], infos: dict,
                      today: date, now: datetime) -> tuple[datetime | None, int]:
    """One learner's journey; returns when they were last seen and how many modules they completed."""
    rng = builder.rng
    ability, target = rng.gauss(0.4, 0.8), _plan(rng, len(modules))
    if target == 0:
        return None, 0
    first_row = len(builder.progress)
    day = today - timedelta(days=rng.randint(len(modules) // 2 + 5, 70))
    last_seen, completed = None, 0
    for index, module in enumerate(modules[: target + 1]):
        when = min(_aware(day, rng), now - timedelta(hours=1))
        seconds = int(module.minutes * 60 * rng.uniform(0.5, 1.4))
        done, info = index < target, infos[module.pk]
        best, finished = None, None
        if done and info:
            best = builder.take_quiz(person.pk, info, ability, when)
            finished = when + timedelta(minutes=20) if best >= 80 else None
        builder.progress.append((person.pk, module.pk, when, when, when, seconds if done else seconds // 3,
                                 finished, finished, best, finished))
        last_seen = when
        if finished is None:
            break
        completed += 1
        day += timedelta(days=rng.choice((0, 1, 1, 2, 3)))
    builder.rollups[person.pk] = _rollup(builder.progress[first_row:])
    return last_seen, completed


def _rollup(rows: list[tuple]) -> dict:
    scores = [row[8] for row in rows if row[8] is not None]
    return {"started_at": min(row[2] for row in rows), "active_seconds": sum(row[5] for row in rows),
            "modules_completed": sum(1 for row in rows if row[9]),
            "average_best_score": sum(scores) / len(scores) if scores else None}


def _progress(rng: random.Random, people: list[User], enrollments: dict[int, Enrollment], modules: list[Module],
              today: date, report: DemoReport) -> None:
    infos = {m.pk: _quiz_info(rng, m) for m in modules}
    builder = _Builder(rng)
    now = timezone.now()
    finished: list[Enrollment] = []
    for person in people:
        last_seen, completed = _learner_progress(builder, person, modules, infos, today, now)
        enrollment = enrollments[person.pk]
        enrollment.last_activity_at = last_seen
        for name, value in builder.rollups.get(person.pk, {}).items():
            setattr(enrollment, name, value)
        if completed == len(modules):
            enrollment.completed_at = last_seen + timedelta(minutes=30)
            finished.append(enrollment)
    _bulk(Enrollment, list(enrollments.values()))
    _insert_rows(ModuleProgress, PROGRESS_COLUMNS, builder.progress)
    _insert_rows(Attempt, ATTEMPT_COLUMNS, builder.attempts)
    _insert_rows(QuestionResult, RESULT_COLUMNS, builder.results)
    _certificates(finished, rng)
    report.progress_rows, report.attempts = len(builder.progress), len(builder.attempts)
    report.certificates = len(finished)
    report.overdue = sum(1 for e in enrollments.values() if not e.completed_at and e.due_date < today)


def _certificates(finished: list[Enrollment], rng: random.Random) -> None:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    rows = []
    for enrollment in finished:
        code = "-".join("".join(rng.choice(alphabet) for _ in range(4)) for _ in range(3))
        rows.append(Certificate(user_id=enrollment.user_id, course=enrollment.course, code=code,
                                issued_at=enrollment.completed_at, learner_name=enrollment.user.name,
                                course_title=enrollment.course.title, total_seconds=enrollment.active_seconds))
    _bulk(Certificate, rows)


@transaction.atomic
def demo_reset() -> int:
    """Delete the demo organisation (only accounts in the demo domain) and everything hanging on it."""
    people = User.objects.filter(email__endswith="@" + DEMO_DOMAIN)
    Certificate.objects.filter(user__in=people).delete()
    Attempt.objects.filter(user__in=people).delete()
    cohorts = Cohort.objects.filter(name__startswith=DEMO_COHORT_PREFIX)
    Enrollment.objects.filter(user__in=people).delete()
    CourseAssignment.objects.filter(cohort__in=cohorts).delete()
    cohorts.delete()
    ModuleProgress.objects.filter(user__in=people).delete()
    count, _ = people.delete()
    return count


@transaction.atomic
def demo_accounts_ensure() -> list[User]:
    """Create the demo accounts, or reset their password and roles; never touches other users."""
    from allauth.account.models import EmailAddress

    users = []
    for email, name, department, roles in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(email=email, defaults={"display_name": name, "department": department})
        user.set_password(DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        for role in roles:
            role_grant(user=user, role=role)
        users.append(user)
    return users
