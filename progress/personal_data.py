"""A learner's own data, for them to download (PIPL's right of access): their profile and every
learning record about them (enrolments, progress, attempts with answers, reflections, exercises,
certificates, cohorts) and nothing about anyone else, as JSON (machine-readable) and as a PDF."""

from io import BytesIO

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from accounts.models import User
from quizzes.models import Attempt

from .models import Certificate, CohortMember, Enrollment, ExerciseResult, ModuleProgress, Reflection
from .pdf_fonts import fonts_registered, pdf_font

PDF_FONT_NAME = "PersonalData"
PDF_MARGIN = 50
PDF_LINE = 14
PDF_WRAP = 60  # characters per line: CJK glyphs are about twice as wide as Latin ones


def personal_data(*, user: User) -> dict:
    """`user`'s profile and learning records as plain JSON data (ISO dates)."""
    return {
        "exported_at": _when(timezone.now()),
        "profile": {"email": user.email, "name": user.display_name, "employee_no": user.employee_no,
                    "department": user.department, "job_title": user.job_title,
                    "manager": user.manager.name if user.manager_id else "", "time_zone": user.timezone,
                    "language": user.language, "reminder_emails": user.reminder_opt_in,
                    "joined": _when(user.date_joined), "left": _when(user.left_at)},
        "enrolments": [
            {"course": e.course.title, "enrolled": _when(e.enrolled_at), "due": _when(e.due_date),
             "started": _when(e.started_at), "completed": _when(e.completed_at), "active_seconds": e.active_seconds,
             "modules_completed": e.modules_completed, "average_best_score": e.average_best_score}
            for e in Enrollment.objects.filter(user=user).select_related("course").order_by("enrolled_at")],
        "modules": [
            {"course": p.module.course.title, "module": p.module.title, "first_viewed": _when(p.first_viewed_at),
             "read": _when(p.read_at), "passed": _when(p.passed_at), "completed": _when(p.completed_at),
             "best_score": p.best_score, "active_seconds": p.active_seconds}
            for p in ModuleProgress.objects.filter(user=user).select_related("module__course")
            .order_by("module__course__title", "module__position")],
        "quiz_attempts": [
            {"quiz": a.quiz.title, "number": a.number, "status": a.status, "started": _when(a.started_at),
             "submitted": _when(a.submitted_at), "score": a.score, "passed": a.passed, "answers": a.responses}
            for a in Attempt.objects.filter(user=user).select_related("quiz").order_by("started_at", "pk")],
        "reflections": [
            {"module": r.module.title, "prompt": r.key, "text": r.text, "updated": _when(r.updated_at)}
            for r in Reflection.objects.filter(user=user).select_related("module").order_by("module_id", "key")],
        "exercises": [
            {"module": x.module.title, "exercise": x.key, "answers": x.answers, "solved": _when(x.solved_at)}
            for x in ExerciseResult.objects.filter(user=user).select_related("module").order_by("module_id", "key")],
        "certificates": [
            {"code": c.code, "course": c.course_title, "name": c.learner_name, "issued": _when(c.issued_at),
             "total_seconds": c.total_seconds}
            for c in Certificate.objects.filter(user=user).order_by("issued_at")],
        "cohorts": [
            {"cohort": m.cohort.name, "joined": _when(m.joined_at), "left": _when(m.left_at)}
            for m in CohortMember.objects.filter(user=user).select_related("cohort").order_by("joined_at")],
    }


def personal_data_pdf(data: dict, *, title: str) -> bytes:
    """The same data as a readable PDF: one heading per section, one line per field."""
    lines = [(title, 16)]
    for section, value in data.items():
        lines += [("", 10), (section, 13)]
        for record in value if isinstance(value, list) else [value]:
            if isinstance(record, dict):
                lines += [(f"{key}: {'' if item is None else item}", 10) for key, item in record.items()]
                lines.append(("", 10))
            else:
                lines.append((str(record), 10))
    buffer = BytesIO()
    with fonts_registered([pdf_font(text="".join(text for text, _ in lines), name=PDF_FONT_NAME)]):
        pdf = canvas.Canvas(buffer, pagesize=A4, initialFontName=PDF_FONT_NAME)
        pdf.setTitle(title)
        writer = _Lines(pdf)
        for text, size in lines:
            writer.line(text, size=size)
        pdf.save()
    return buffer.getvalue()


class _Lines:
    def __init__(self, pdf: canvas.Canvas):
        self.pdf = pdf
        self.width, self.height = A4
        self.y = self.height - PDF_MARGIN

    def line(self, text: str, *, size: int = 10) -> None:
        for start in range(0, max(len(text), 1), PDF_WRAP):
            if self.y < PDF_MARGIN:
                self.pdf.showPage()
                self.y = self.height - PDF_MARGIN
            self.pdf.setFont(PDF_FONT_NAME, size)
            self.pdf.drawString(PDF_MARGIN, self.y, text[start:start + PDF_WRAP])
            self.y -= PDF_LINE + (size - 10)


def _when(value) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat() if hasattr(value, "tzinfo") else value.isoformat()
