"""The trainer area: every view needs the trainer role, checked here on the server."""

import json
import re

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import role_required
from courses.changes import ChangeNote
from courses.models import Change
from courses.services import ContentInvalid, module_source
from quizzes.answer_syntax import TRUE_WORDS
from quizzes.parser import MAX_QUESTIONS

from . import selectors, services
from .diff import diff_stats, line_diff
from .excel import excel_to_quiz, question_template
from .export import course_files, module_files, zip_bytes
from .forms import ExcelForm, GiftForm, ModuleTextForm, MoveForm, NewModuleForm
from .gift import gift_to_quiz
from .gift_export import quiz_to_gift
from .guide import format_guide
from .preview import module_preview, preview_html

trainer_only = role_required("trainer")
QUIZ_MARKER_RE = re.compile(r"^=== quiz ===\s*$", re.MULTILINE)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _editor_url(module) -> str:
    return reverse("authoring:edit", args=[module.course.slug, module.slug])


@trainer_only
def home(request):
    return render(request, "authoring/home.html", {"courses": selectors.trainer_courses()})


@trainer_only
def guide(request):
    rendered = format_guide()
    if rendered is None:
        raise Http404(_("The content format guide (content/README.md) is missing from this installation."))
    html, toc = rendered
    return render(request, "authoring/guide.html", {"html": html, "toc": toc})


@trainer_only
def course_detail(request, course_slug: str):
    course = selectors.trainer_course_get(slug=course_slug)
    parts = selectors.live_parts(course=course)
    return render(request, "authoring/course.html", {
        "course": course, "parts": selectors.course_structure(course=course),
        "move_form": MoveForm(parts=course.parts.filter(archived_at__isnull=True)),
        "part_count": len(parts)})


@trainer_only
def module_new(request, course_slug: str):
    course = selectors.trainer_course_get(slug=course_slug)
    parts = course.parts.filter(archived_at__isnull=True).order_by("order")
    form = NewModuleForm(request.POST or None, parts=parts, initial={"part": request.GET.get("part")})
    if request.method == "POST" and form.is_valid():
        try:
            module = services.module_create(
                course=course, author=request.user, **form.cleaned_data,
                objective=_("What the learner can do after this module"),
                heading=_("Introduction"), body=_("Write the module text here."))
        except ContentInvalid as error:
            for problem in error.problems:
                form.add_error(None, problem.localised())
        else:
            messages.success(request, _("Module created as a draft. Learners see it once you publish it."))
            return redirect(_editor_url(module))
    return render(request, "authoring/module_new.html", {"course": course, "form": form},
                  status=400 if form.errors else 200)


def _editor_context(request, module, form, *, outcome=None, gift_problems=()) -> dict:
    latest = services.revision_latest(module=module)
    text = form["text"].value() or ""
    preview = module_preview(module=module, text=text)
    context = {
        "course": module.course, "module": module, "form": form, "latest": latest,
        "preview": preview, "preview_html": preview_html(preview, request),
        "problems": outcome.problems if outcome else [], "gift_problems": gift_problems,
        "true_words": " ".join(sorted(TRUE_WORDS)),  # the builder reads `answer: 对` back as true
    }
    if outcome and outcome.conflict:
        conflict = outcome.conflict
        context["conflict"] = conflict
        context["conflict_diff"] = line_diff(conflict.base.source if conflict.base else "",
                                             conflict.latest.source)
    return context


@trainer_only
def module_edit(request, course_slug: str, module_slug: str):
    module = selectors.trainer_module_get(course_slug=course_slug, module_slug=module_slug)
    if request.method != "POST":
        latest = services.revision_latest(module=module)
        form = ModuleTextForm(initial={"text": latest.source if latest else module.source,
                                       "base": latest.pk if latest else None})
        return render(request, "authoring/editor.html", _editor_context(request, module, form))
    publishing = request.POST.get("action") == "publish"
    form = ModuleTextForm(request.POST, module=module, publishing=publishing)
    if not form.is_valid():
        return render(request, "authoring/editor.html", _editor_context(request, module, form), status=400)
    data = form.cleaned_data
    if publishing:
        outcome = services.revision_publish(module=module, text=data["text"], base_id=data["base"],
                                            author=request.user, change=data["change_note"])
    else:
        outcome = services.revision_save_draft(module=module, text=data["text"], base_id=data["base"],
                                               author=request.user)
    if outcome.ok:
        messages.success(request, _saved_message(outcome, publish=publishing))
        return redirect(_editor_url(module))
    if outcome.conflict:
        # The trainer's text stays in the form; saving again knowingly replaces the other change.
        form = ModuleTextForm({"text": data["text"], "base": outcome.conflict.latest.pk,
                               "change": data.get("change", ""), "change_reason": data.get("change_reason", "")})
    context = _editor_context(request, module, form, outcome=outcome)
    return render(request, "authoring/editor.html", context, status=409 if outcome.conflict else 400)


def _saved_message(outcome: services.SaveOutcome, *, publish: bool) -> str:
    if outcome.unchanged:
        return _("No changes to save.")
    if publish:
        return _("Published revision #%(number)s. Learners now see this text.") % {
            "number": outcome.revision.number}
    return _("Saved draft revision #%(number)s. Learners still see the published text.") % {
        "number": outcome.revision.number}


@require_POST
@trainer_only
def module_preview_json(request, course_slug: str, module_slug: str):
    module = selectors.trainer_module_get(course_slug=course_slug, module_slug=module_slug)
    preview = module_preview(module=module, text=request.POST.get("text", ""))
    return JsonResponse({
        "html": preview_html(preview, request),
        "errors": [{"line": p.line, "message": p.localised()} for p in preview.problems],
    })


@trainer_only
def module_draft(request, course_slug: str, module_slug: str, number: int | None = None):
    """A revision (default: the newest) exactly as learners would see it."""
    module = selectors.trainer_module_get(course_slug=course_slug, module_slug=module_slug)
    revision = (selectors.revision_get(module=module, number=number) if number
                else services.revision_latest(module=module))
    preview = module_preview(module=module, text=revision.source if revision else module.source)
    return render(request, "authoring/draft.html", {
        "course": module.course, "module": module, "revision": revision, "preview": preview})


@trainer_only
def module_history(request, course_slug: str, module_slug: str):
    module = selectors.trainer_module_get(course_slug=course_slug, module_slug=module_slug)
    revisions = selectors.module_revisions(module=module)
    by_number = {r.number: r for r in revisions}
    newer = _int(request.GET.get("b"), revisions[0].number if revisions else 0)
    older = _int(request.GET.get("a"), revisions[1].number if len(revisions) > 1 else newer)
    a, b = by_number.get(older), by_number.get(newer)
    diff = line_diff(a.source, b.source) if a and b else []
    return render(request, "authoring/history.html", {
        "course": module.course, "module": module, "revisions": revisions, "a": a, "b": b,
        "diff": diff, "diff_stats": diff_stats(diff), "latest": revisions[0] if revisions else None})


def _int(value, default: int) -> int:
    return int(value) if value and value.isdigit() else default


@require_POST
@trainer_only
def revision_restore(request, course_slug: str, module_slug: str, number: int):
    module = selectors.trainer_module_get(course_slug=course_slug, module_slug=module_slug)
    revision = selectors.revision_get(module=module, number=number)
    base = request.POST.get("base", "")
    history = reverse("authoring:history", args=[course_slug, module_slug])
    if base and not (base.isdigit() and module.revisions.filter(pk=int(base)).exists()):
        return HttpResponse(_("This form started from a revision of another module. Reload the history and "
                              "restore again."), status=400)
    try:
        # The history's restore form offers both and selects editorial; a material restore names its reason.
        change = ChangeNote(request.POST.get("change", Change.EDITORIAL), request.POST.get("change_reason", ""))
    except ValueError:
        messages.error(request, _("A material restore needs a short reason; nothing was restored."))
        return redirect(history)
    outcome = services.revision_restore(module=module, revision=revision, author=request.user,
                                        base_id=int(base) if base else None, change=change)
    if outcome.conflict:
        messages.error(request, _("Someone saved this module while you were looking at its history. "
                                  "Check the newest revision, then restore again."))
    elif outcome.problems:
        messages.error(request, _("Revision #%(number)s cannot be published any more: %(problems)s") % {
            "number": number, "problems": "; ".join(f"{p.line}: {p.localised()}" for p in outcome.problems)})
    elif outcome.unchanged:
        messages.info(request, _("Learners already see this text."))
    else:
        messages.success(request, _("Restored revision #%(old)s as revision #%(new)s; learners see it now.")
                         % {"old": number, "new": outcome.revision.number})
    return redirect(history)


@require_POST
@trainer_only
def module_reorder(request, course_slug: str, module_slug: str, direction: str):
    module = selectors.trainer_module_get(course_slug=course_slug, module_slug=module_slug)
    if direction not in ("up", "down"):
        raise Http404
    if module.archived_at is None:
        services.module_reorder(module=module, direction=-1 if direction == "up" else 1, author=request.user)
    return redirect(reverse("authoring:course", args=[course_slug]) + f"#module-{module.slug}")


@require_POST
@trainer_only
def module_move(request, course_slug: str, module_slug: str):
    module = selectors.trainer_module_get(course_slug=course_slug, module_slug=module_slug)
    form = MoveForm(request.POST, parts=module.course.parts.filter(archived_at__isnull=True))
    if form.is_valid() and services.module_move(module=module, part=form.cleaned_data["part"],
                                                author=request.user):
        messages.success(request, _("Moved “%(title)s” to the end of “%(part)s”.") % {
            "title": module.title, "part": form.cleaned_data["part"].title})
    return redirect(reverse("authoring:course", args=[course_slug]) + f"#module-{module.slug}")


def _zip_response(files: dict[str, str], name: str) -> HttpResponse:
    response = HttpResponse(zip_bytes(files), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}.zip"'
    return response


@trainer_only
def course_export(request, course_slug: str):
    course = selectors.trainer_course_get(slug=course_slug)
    return _zip_response(course_files(course=course), course.slug)


@trainer_only
def module_export(request, course_slug: str, module_slug: str):
    module = selectors.trainer_module_get(course_slug=course_slug, module_slug=module_slug)
    return _zip_response(module_files(module=module), f"{module.course.slug}-{module.slug}")


@trainer_only
def module_gift_export(request, course_slug: str, module_slug: str):
    """The published quiz of a module as GIFT, for Moodle or another copy of this site."""
    module = selectors.trainer_module_get(course_slug=course_slug, module_slug=module_slug)
    response = HttpResponse(quiz_to_gift(module_source(text=module.source).doc.questions),
                            content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{module.course.slug}-{module.slug}.gift.txt"'
    return response


@trainer_only
def module_gift(request, course_slug: str, module_slug: str):
    """Convert GIFT questions and open them in the editor, appended to the quiz (not yet saved)."""
    module = selectors.trainer_module_get(course_slug=course_slug, module_slug=module_slug)
    form = GiftForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "authoring/gift.html", {"course": module.course, "module": module, "form": form},
                      status=400 if form.errors else 200)
    latest, text, taken = _draft_keys(module)
    result = gift_to_quiz(form.cleaned_data["gift"], taken_keys=taken)
    if not result.count:
        return render(request, "authoring/gift.html", {"course": module.course, "module": module, "form": form,
                                                       "gift_problems": result.problems}, status=400)
    return _editor_with_questions(request, module, latest, text, result.text, result.count,
                                  gift_problems=result.problems)


def _draft_keys(module):
    """The latest draft (revision or published), its text, and every question id already in use."""
    latest = services.revision_latest(module=module)
    text = latest.source if latest else module.source
    taken = {q.key for q in module_source(text=text).doc.questions}
    if module.quiz_id:
        taken |= set(module.quiz.questions.values_list("key", flat=True))
    return latest, text, taken


def _editor_with_questions(request, module, latest, text, questions: str, count: int, **context):
    joined = text.rstrip("\n") + ("\n\n" if QUIZ_MARKER_RE.search(text) else "\n\n=== quiz ===\n\n")
    editor = ModuleTextForm({"text": joined + questions, "base": latest.pk if latest else None})
    messages.info(request, _("%(count)s question(s) converted and added below. Check them, then save.")
                  % {"count": count})
    return render(request, "authoring/editor.html", _editor_context(request, module, editor, **context))


@trainer_only
def module_excel_template(request, course_slug: str, module_slug: str):
    selectors.trainer_module_get(course_slug=course_slug, module_slug=module_slug)
    response = HttpResponse(question_template(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="questions-template.xlsx"'
    return response


@trainer_only
def module_excel(request, course_slug: str, module_slug: str):
    """Convert an Excel sheet of questions (all rows or none) into the editor or a bank file."""
    module = selectors.trainer_module_get(course_slug=course_slug, module_slug=module_slug)
    form = ExcelForm(request.POST or None, request.FILES or None)
    page = {"course": module.course, "module": module, "form": form}
    if request.method != "POST" or not form.is_valid():
        return render(request, "authoring/excel.html", page, status=400 if form.errors else 200)
    latest, text, taken = _draft_keys(module)
    bank = form.cleaned_data["target"] == "bank"
    room = MAX_QUESTIONS if bank else MAX_QUESTIONS - len(module_source(text=text).doc.questions)
    result = excel_to_quiz(form.cleaned_data["file"], max_rows=max(room, 0),
                           taken_keys=taken | selectors.course_question_keys(course=module.course))
    if result.problems:
        return render(request, "authoring/excel.html", {**page, "row_problems": result.problems}, status=400)
    if bank:
        title = _("Questions imported for %(module)s") % {"module": module.title}
        front = f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n---\n=== quiz ===\n\n"
        response = HttpResponse(front + result.text, content_type="text/markdown; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{module.slug}-questions.md"'
        return response
    return _editor_with_questions(request, module, latest, text, result.text, result.count)
