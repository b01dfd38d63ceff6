from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from courses import selectors as course_selectors
from courses.content.exercises import ExerciseInvalid
from courses.models import Module
from courses.structure import course_structure
from quizzes.grading import InvalidResponse
from quizzes.models import QuestionResult
from quizzes.selectors import SUBMIT_GRACE, AttemptNotAllowed
from quizzes.services import AttemptRefused, question_retry

from . import selectors, services
from .certificates import certificate_pdf, certificate_text, verify_qr_svg, verify_url
from .models import Certificate
from .personal_data import personal_data, personal_data_pdf
from .retention import RetentionPeriods


def catalogue(request):
    return render(request, "courses/catalogue.html", {"entries": selectors.catalogue(user=request.user)})


def course_outline(request, course_slug: str):
    course = course_selectors.course_get(slug=course_slug)
    structure = course_structure(course=course, version=course.structure_at)
    progress = selectors.course_progress(user=request.user, course=course, modules=structure.modules)
    context = {
        "course": course, "parts": selectors.outline_parts(parts=structure.parts, progress=progress),
        "total_minutes": sum(m["minutes"] for m in structure.modules), "progress": progress,
    }
    return render(request, "progress/outline.html", context)


@require_POST
@login_required
def course_enrol(request, course_slug: str):
    course = course_selectors.course_get(slug=course_slug)
    services.enrollment_ensure(user=request.user, course=course)
    return redirect("progress:continue", course_slug=course.slug)


@login_required
def course_continue(request, course_slug: str):
    course = course_selectors.course_get(slug=course_slug)
    progress = selectors.course_progress(user=request.user, course=course)
    if progress.next_module is None:
        return redirect("progress:outline", course_slug=course.slug)
    return redirect("progress:module", course_slug=course.slug, module_slug=progress.next_module["slug"])


def _module_context(request, module: Module, *, data=None, error: str = "") -> dict:
    structure = course_structure(course=module.course, version=module.structure_at)
    previous, following, position = structure.neighbours(module.pk)
    opened = services.module_open(user=request.user, module=module, data=data, error=error)
    progress = opened.progress
    return {
        "module": module, "course": module.course, "part": module.part, "progress": progress,
        "previous": previous, "next": following, "position": position, "module_count": len(structure.modules),
        "quiz": opened.quiz, "retraining": opened.retraining,
        "retraining_unread": any(r.read_at is None for r in opened.retraining),
        "retraining_diff": selectors.retraining_diff(retraining=opened.retraining, module=module),
        "reflections": selectors.reflections_for(user=request.user, module=module),
        "exercises": selectors.exercise_results_for(user=request.user, module=module),
        "heartbeat_seconds": services.HEARTBEAT_SECONDS,
        "idle_seconds": services.IDLE_CUTOFF_SECONDS,
    }


@login_required
def module_player(request, course_slug: str, module_slug: str):
    module = course_selectors.module_get(course_slug=course_slug, module_slug=module_slug)
    return render(request, "progress/module.html", _module_context(request, module))


SUBMIT_REFUSALS = {
    "unknown": _lazy("This quiz form is not valid (the attempt is not one of yours). Reload the page and try "
                     "again."),
    "other_quiz": _lazy("This answer sheet belongs to another quiz, so it cannot be graded here. Reload the "
                        "page and answer this module's quiz."),
    "closed": _lazy("This attempt was closed without being graded. Reload the page for a new attempt."),
    "stale": _lazy("The quiz was updated while you were answering. Please answer it again."),
    "late": _lazy("The time for this exam is up, so nothing more can be saved. The answers saved before the "
                  "deadline are graded."),
}
START_REFUSALS = {
    "not_open": _lazy("This exam has not opened yet."),
    "window_closed": _lazy("This exam has closed."),
    "max_attempts": _lazy("You have used all attempts for this quiz."),
    "cooldown": _lazy("You cannot start this exam again yet."),
    "bank_short": _lazy("The question bank no longer holds enough questions for this quiz's paper; your trainer "
                        "has to fix it."),
}


def _exam_module(course_slug: str, module_slug: str) -> Module:
    module = course_selectors.module_get(course_slug=course_slug, module_slug=module_slug)
    if module.quiz is None:
        raise Http404
    return module


def _attempt_id(request) -> int:
    attempt_id = request.POST.get("attempt", "")
    return int(attempt_id) if attempt_id.isdigit() else 0


@require_POST
@login_required
def quiz_submit(request, course_slug: str, module_slug: str):
    module = _exam_module(course_slug, module_slug)
    url = reverse("progress:module", args=[course_slug, module_slug])
    try:
        outcome = services.quiz_submission_record(user=request.user, module=module, data=request.POST,
                                                  attempt_id=_attempt_id(request))
    except AttemptRefused as refusal:
        return render(request, "progress/quiz_refused.html", {
            "module": module, "message": SUBMIT_REFUSALS[refusal.reason], "url": url}, status=400)
    except InvalidResponse as problem:
        error = _("Your answers could not be graded: %(reason)s") % {"reason": problem}
        context = _module_context(request, module, data=request.POST, error=error)
        return render(request, "progress/module.html", context, status=400)
    if outcome.late:
        deadline = timezone.localtime(outcome.attempt.deadline)
        message = _("Time was up at %(time)s, so these answers arrived too late (answers are accepted up to "
                    "%(grace)s seconds after the deadline). The answers saved before the deadline were graded.") % {
            "time": deadline.strftime("%H:%M:%S"), "grace": int(SUBMIT_GRACE.total_seconds())}
        return render(request, "progress/quiz_refused.html", {"module": module, "message": message, "url": url,
                                                              "graded": True}, status=400)
    return redirect(f"{url}#quiz-result")


@require_POST
@login_required
def exam_start(request, course_slug: str, module_slug: str):
    module = _exam_module(course_slug, module_slug)
    if not module.quiz.is_timed:
        raise Http404
    try:
        services.exam_start(user=request.user, module=module)
    except AttemptNotAllowed as refusal:
        messages.error(request, START_REFUSALS[refusal.reason])
    return redirect(reverse("progress:module", args=[course_slug, module_slug]) + "#quiz")


@require_POST
@login_required
def exam_autosave(request, course_slug: str, module_slug: str):
    module = _exam_module(course_slug, module_slug)
    try:
        saved_at = services.exam_draft_save(user=request.user, module=module, attempt_id=_attempt_id(request),
                                            data=request.POST)
    except AttemptRefused as refusal:
        return JsonResponse({"error": str(SUBMIT_REFUSALS[refusal.reason]), "reason": refusal.reason}, status=400)
    except InvalidResponse as problem:
        return JsonResponse({"error": str(problem), "reason": "invalid"}, status=400)
    return JsonResponse({"ok": True, "saved_at": saved_at.isoformat()})


@require_POST
@login_required
def exam_focus(request, course_slug: str, module_slug: str):
    module = _exam_module(course_slug, module_slug)
    try:
        count = services.exam_focus_record(user=request.user, module=module, attempt_id=_attempt_id(request),
                                           kind=request.POST.get("kind", ""))
    except AttemptRefused as refusal:
        return JsonResponse({"error": str(SUBMIT_REFUSALS[refusal.reason]), "reason": refusal.reason}, status=400)
    except InvalidResponse as problem:
        return JsonResponse({"error": str(problem), "reason": "invalid"}, status=400)
    return JsonResponse({"ok": True, "count": count})


@require_POST
@login_required
def module_read(request, course_slug: str, module_slug: str):
    module = course_selectors.module_get(course_slug=course_slug, module_slug=module_slug)
    if services.module_mark_read(user=request.user, module=module) is None:
        return HttpResponse(_("Open the module before marking it as read."), status=400)
    return redirect(reverse("progress:module", args=[course_slug, module_slug]) + "#quiz")


@require_POST
@login_required
def heartbeat(request, module_id: int):
    try:
        seconds = int(request.POST.get("seconds", "0"))
    except ValueError:
        return JsonResponse({"error": _("seconds must be a whole number")}, status=400)
    if request.POST.get("reached_end") == "1":
        module = get_object_or_404(Module.objects.live().select_related("course"), pk=module_id,
                                   course__archived_at__isnull=True)
        if services.heartbeat_record(user=request.user, module_id=module_id, seconds=seconds):
            services.module_mark_read(user=request.user, module=module)
            return JsonResponse({"ok": True, "read": True})
    elif services.heartbeat_record(user=request.user, module_id=module_id, seconds=seconds):
        return JsonResponse({"ok": True})
    return JsonResponse({"error": _("Open this module before reporting time on it.")}, status=404)


@require_POST
@login_required
def reflection_save(request, module_id: int):
    module = get_object_or_404(Module.objects.live(), pk=module_id)
    key = request.POST.get("key", "")
    try:
        if not key.replace("-", "").isalnum() or not key.isascii():
            raise services.ReflectionInvalid(_("Unknown reflection prompt."))
        reflection = services.reflection_save(user=request.user, module=module, key=key,
                                              text=request.POST.get("text", ""))
    except services.ReflectionInvalid as problem:
        return JsonResponse({"error": str(problem)}, status=400)
    return JsonResponse({"ok": True, "updated_at": reflection.updated_at.isoformat()})


@require_POST
@login_required
def exercise_submit(request, module_id: int):
    module = get_object_or_404(Module.objects.live().only("id", "exercises"), pk=module_id)
    answers = {name[2:]: value for name, value in request.POST.items() if name.startswith("b-")}
    try:
        result = services.exercise_submit(user=request.user, module=module, key=request.POST.get("key", ""),
                                          answers=answers)
    except ExerciseInvalid as problem:
        return JsonResponse({"error": str(problem)}, status=400)
    return JsonResponse(selectors.exercise_feedback(module=module, result=result))


@login_required
def dashboard(request):
    return render(request, "progress/dashboard.html", selectors.dashboard(user=request.user))


@login_required
def mistakes(request):
    return render(request, "progress/mistakes.html", {"mistakes": selectors.mistakes(user=request.user)})


@require_POST
@login_required
def mistake_retry(request, result_id: int):
    result = get_object_or_404(QuestionResult.objects.select_related("question"), pk=result_id,
                               user=request.user, question__is_active=True)
    question = result.question
    raw = request.POST.getlist("answer") if question.kind == "multiple" else request.POST.get("answer")
    # A right answer removes the question, so its message goes at the top of the page; the others
    # are shown (and focused) beside the question they are about.
    beside = {"extra_tags": f"inline mistake-{result.pk}"}
    try:
        correct = question_retry(user=request.user, question=question, raw=raw)
    except InvalidResponse:
        messages.error(request, _("Choose or type an answer first."), **beside)
        return redirect(f"{reverse('progress:mistakes')}#mistake-{result.pk}-result")
    if correct:
        messages.success(request, _("Right! The question has left your mistake book."))
        return redirect("progress:mistakes")
    messages.error(request, _("Not yet right. Read the module again and try once more."), **beside)
    return redirect(f"{reverse('progress:mistakes')}#mistake-{result.pk}-result")


@login_required
def certificate_detail(request, code: str):
    certificate = get_object_or_404(Certificate, code=code, user=request.user)
    seconds = selectors.course_seconds(user=request.user, course=certificate.course_id)
    return render(request, "progress/certificate.html", {
        "certificate": certificate, "text": certificate_text(certificate, seconds=seconds),
        "verify_url": verify_url(certificate)})


@login_required
def certificate_qr(request, code: str):
    certificate = get_object_or_404(Certificate, code=code, user=request.user)
    return HttpResponse(verify_qr_svg(certificate), content_type="image/svg+xml")


@login_required
def certificate_download(request, code: str):
    certificate = get_object_or_404(Certificate, code=code, user=request.user)
    seconds = selectors.course_seconds(user=request.user, course=certificate.course_id)
    response = HttpResponse(certificate_pdf(certificate, seconds=seconds), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


def certificate_verify(request, code: str):
    certificate = Certificate.objects.filter(code=code.upper()).first()
    context = {"certificate": certificate, "code": code}
    if certificate is not None:
        status = certificate.status_at(timezone.now())
        context.update(status=status, status_label=Certificate.Status(status).label)
    return render(request, "progress/verify.html", context, status=200 if certificate else 404)


def data_retention(request):
    """The retention periods, stated for everyone (linked in the footer)."""
    return render(request, "progress/retention.html", {"periods": RetentionPeriods.from_settings()})


@login_required
def my_data(request, fmt: str):
    """The signed-in person's own data; there is no id in the URL to forge."""
    data = personal_data(user=request.user)
    name = f"ops-academy-my-data-{timezone.localdate():%Y%m%d}"
    if fmt == "pdf":
        response = HttpResponse(personal_data_pdf(data, title=_("My data at Ops Academy")),
                                content_type="application/pdf")
    else:
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
