from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.models import Role, User
from accounts.roles import role_required
from courses.models import Course
from progress.models import Certificate, Cohort, CohortMember, CourseAssignment, Enrollment
from progress.retraining import material_revision

from . import credit, selectors, services
from .auditlog import EXPORT_KINDS as AUDIT_EXPORT_KINDS
from .auditlog import AuditFilterForm, audit_page
from .charts import horizontal_bars
from .exports import csv_lines, export_from_token, export_log_entries, export_rows, write_xlsx
from .filters import ReportFilterForm, ReportFilters, filter_choices
from .forms import AssignForm, CohortForm, ExamTimeForm, ExtensionForm, OfflineCreditForm, RetrainingForm, RevokeForm
from .uploads import UploadUnreadable, read_upload

hr_required = role_required(Role.HR)
EXPORT_KINDS = {"summary_csv", "summary_xlsx", "matrix_csv", "matrix_xlsx"}


def _filters(request) -> tuple[ReportFilterForm, ReportFilters]:
    form = ReportFilterForm(request.GET or None, **filter_choices())
    return form, ReportFilters.from_form(form)


def _query(filters: ReportFilters) -> str:
    return "" if filters.invalid else urlencode(filters.as_query())


@hr_required
def report(request):
    form, filters = _filters(request)
    weeks = selectors.completions_by_week(filters)
    departments = selectors.by_department(filters)
    overview = selectors.overview(filters)
    context = {
        "form": form, "filters": filters, "query": _query(filters),
        "overview": overview, "page": selectors.report_page(filters, request.GET.get("page"),
                                                            total=sum(row["rows"] for row in overview)),
        "weeks_chart": horizontal_bars(
            [(w["week"].strftime("%Y-%m-%d"), w["count"], str(w["count"])) for w in weeks[-12:]]),
        "department_chart": horizontal_bars(
            [(d["department"], d["rate"], f"{d['rate']}% ({d['completed']}/{d['enrolled']})") for d in departments]),
        "departments": departments, "weeks": weeks[-12:],
    }
    return render(request, "hr/report.html", context, status=400 if filters.invalid else 200)


@hr_required
def matrix(request):
    form, filters = _filters(request)
    if filters.invalid:
        return render(request, "hr/matrix.html", {"form": form, "filters": filters, "course": None, "query": "",
                                                  "rows": []}, status=400)
    if not filters.course_id:
        course = selectors.matrix_default_course()
        if course is None:
            messages.info(request, _("No course has been published yet, so there is no matrix to show."))
            return redirect("hr:report")
        query = request.GET.copy()
        query["course"] = course.pk
        return redirect(f"{reverse('hr:matrix')}?{query.urlencode()}")
    course = get_object_or_404(Course, pk=filters.course_id)
    context = {"form": form, "filters": filters, "course": course, "query": _query(filters),
               **selectors.matrix_page(filters, course, request.GET.get("page"))}
    return render(request, "hr/matrix.html", context)


@hr_required
def learner(request, user_id: int):
    try:
        context = selectors.learner_detail(user_id=user_id)
    except User.DoesNotExist:
        raise Http404 from None
    context["extension_form"] = ExtensionForm()
    context["credit"] = credit.person_credit(user=context["learner"])
    context["offline_form"] = OfflineCreditForm()
    context["retraining_needs"] = selectors.retraining_needs(user_ids=[user_id])
    context["certificates"] = selectors.learner_certificates(user_id=user_id)
    context["revoke_form"] = RevokeForm()
    return render(request, "hr/learner.html", context)


@require_POST
@hr_required
def offline_credit_add(request, user_id: int):
    person = get_object_or_404(User, pk=user_id)
    _form_action(request, OfflineCreditForm(request.POST), done=_("Offline training recorded."),
                 action=lambda **data: services.offline_credit_add(user=person, created_by=request.user,
                                                                  request=request, **data))
    return redirect("hr:learner", user_id=person.pk)


@require_POST
@hr_required
def exam_time_extend(request, user_id: int):
    learner = get_object_or_404(User, pk=user_id)
    _form_action(request, ExamTimeForm(request.POST), done=_("Exam time extension saved."),
                 invalid=_("Give the extra minutes (0 to 600) and a reason."),
                 action=lambda module, **data: services.exam_time_extend(
                     learner=learner, module_id=module, granted_by=request.user, request=request, **data))
    return redirect("hr:learner", user_id=learner.pk)


@require_POST
@hr_required
def certificate_revoke(request, certificate_id: int):
    certificate = get_object_or_404(Certificate, pk=certificate_id)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for revoking the certificate; nothing was changed."))
    elif services.certificate_revoke(certificate=certificate, reason=form.cleaned_data["reason"],
                                     revoked_by=request.user):
        messages.success(request, _("Certificate %(code)s is revoked; its verification page now says so.")
                         % {"code": certificate.code})
    else:
        messages.info(request, _("This certificate was already revoked."))
    return redirect("hr:learner", user_id=certificate.user_id)


@hr_required
def export(request):
    kind = request.GET.get("kind", "summary_csv")
    form, filters = _filters(request)
    if filters.invalid:
        return _filters_refused(form)
    if kind not in EXPORT_KINDS or (kind.startswith("matrix") and not filters.course_id):
        return HttpResponse(_("Unknown export, or a matrix export without a course."), status=400)
    log = services.export_start(user=request.user, kind=kind, filters=filters, request=request)
    return _export_served(request, log, back=f"{reverse('hr:report')}?{urlencode(filters.as_query())}")


@hr_required
def credit_export(request):
    """培训台账 of the 学时 report's filters, through the same export log and background jobs."""
    form, filters = credit.credit_filters(request.GET)
    if filters.invalid:
        return _filters_refused(form)
    log = services.export_start(user=request.user, kind="ledger_xlsx", filters=filters, request=request)
    return _export_served(request, log, back=f"{reverse('hr:credit')}?{urlencode(filters.as_dict())}")


def _filters_refused(form) -> HttpResponse:
    return HttpResponse(_("These filters are not valid, so nothing was exported: %(problems)s")
                        % {"problems": _form_problems(form)}, status=400, content_type="text/plain; charset=utf-8")


def _export_served(request, log, *, back: str) -> HttpResponse:
    """The file of a small export now; for a big one, a note that it is on its way."""
    if log.finished_at is None:
        _export_queued_message(request, log)
        return redirect(back)
    return _export_response(log)


def _export_queued_message(request, log) -> None:
    if log.error == "queue_unavailable":
        messages.warning(request, _("The job queue is unavailable right now. Your export is saved in the "
                                    "export log and starts by itself once the queue is back."))
    else:
        messages.success(request, _("This export is large: we will email you a download link when it is "
                                    "ready. It will also be linked from the export log."))


def _export_response(log) -> HttpResponse:
    """A small export served straight away, as a CSV stream or an XLSX file."""
    kind = log.kind
    name = f"ops-academy-{kind.split('_')[0]}-{timezone.localdate():%Y%m%d}"
    if kind.endswith("xlsx"):
        response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        write_xlsx(export_rows(log), response)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = StreamingHttpResponse(csv_lines(export_rows(log)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@hr_required
def export_download(request, token: str):
    log = export_from_token(token)
    # The link was emailed to the person who asked for the export: it is theirs, not any HR's.
    if log is None or not log.file or log.user_id != request.user.pk:
        raise Http404
    try:
        handle = open(log.file, "rb")  # noqa: SIM115 - FileResponse closes it
    except FileNotFoundError:  # cleaned up since: the export log says "link expired"
        raise Http404 from None
    services.export_download_record(export=log, user=request.user, request=request)
    return FileResponse(handle, as_attachment=True, filename=log.file.rsplit("/", 1)[-1])


@hr_required
def export_log(request):
    return render(request, "hr/export_log.html", {"entries": export_log_entries(user=request.user),
                                                  "email_tries": settings.EXPORT_EMAIL_MAX_ATTEMPTS})


@hr_required
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    invalid = form.is_bound and not form.is_valid()
    values = form.values() if form.is_bound and not invalid else {}
    context = {"form": form, "invalid": invalid, "filters": {"invalid": invalid}, "query": urlencode(values),
               "page": audit_page(None if invalid else values, request.GET.get("page"))}
    return render(request, "hr/audit.html", context, status=400 if invalid else 200)


@hr_required
def audit_export(request):
    form = AuditFilterForm(request.GET or None)
    kind = AUDIT_EXPORT_KINDS.get(request.GET.get("format", "csv"))
    if form.is_bound and not form.is_valid():
        return _filters_refused(form)
    if kind is None:
        return HttpResponse(_("Unknown export format: choose csv or xlsx."), status=400,
                            content_type="text/plain; charset=utf-8")
    values = form.values() if form.is_bound else {}
    log = services.audit_export_start(user=request.user, kind=kind, filters=values, request=request)
    return _export_served(request, log, back=f"{reverse('hr:audit')}?{urlencode(values)}")


def _form_problems(form) -> str:
    return "; ".join(f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields
                     else " ".join(errors) for name, errors in form.errors.items())


@hr_required
def cohort_list(request):
    cohorts = Cohort.objects.annotate(
        members=Count("memberships", filter=Q(memberships__left_at__isnull=True), distinct=True),
        live_assignments=Count("assignments", filter=Q(assignments__withdrawn_at__isnull=True), distinct=True))
    return render(request, "hr/cohorts.html", {"cohorts": cohorts})


def _cohort_members(form: CohortForm) -> tuple[list[User], services.UploadReport | None]:
    source = form.cleaned_data["source"]
    if source == "departments":
        return services.members_from_departments(form.cleaned_data["departments"]), None
    if source == "manager":
        return services.members_from_manager(form.cleaned_data["manager"]), None
    upload = form.cleaned_data["upload"]
    report = services.upload_match(read_upload(upload.name, upload, upload.size))
    return report.matched, report


@hr_required
def cohort_create(request):
    form = CohortForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            members, report = _cohort_members(form)
            if report and report.problems:
                raise services.HRInvalid("unmatched_rows")
            follows = form.cleaned_data["departments"] if form.cleaned_data["source"] == "departments" else []
            cohort = services.cohort_create(name=form.cleaned_data["name"], members=members,
                                            created_by=request.user, follows_departments=follows,
                                            description=form.cleaned_data["description"])
        except UploadUnreadable as problem:
            form.add_error("upload", _upload_error(problem))
        except services.HRInvalid as problem:
            if str(problem) != "unmatched_rows":
                form.add_error(None, HR_ERRORS.get(str(problem), str(problem)))
        else:
            messages.success(request, _("Cohort created with %(count)s members.") % {"count": len(members)})
            return redirect("hr:cohort", cohort_id=cohort.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "hr/cohort_form.html", {"form": form, "report": report}, status=status)


@hr_required
def cohort_detail(request, cohort_id: int):
    cohort = get_object_or_404(Cohort, pk=cohort_id)
    members = list(cohort.memberships.filter(left_at__isnull=True).select_related("user").order_by("user__email"))
    assignments = cohort.assignments.select_related("course").order_by("-assigned_at")
    people = {m.user_id: m.user for m in members}
    needs = [(people[need.user_id], need) for need in selectors.retraining_needs(user_ids=list(people))]
    return render(request, "hr/cohort.html", {"cohort": cohort, "members": members, "retraining_needs": needs,
                                              "assignments": assignments, "assign_form": AssignForm()})


@hr_required
def retraining(request):
    return render(request, "hr/retraining.html", {
        "changes": selectors.material_changes(),
        "form": RetrainingForm(initial={"due_date": timezone.localdate() + timedelta(days=30)})})


@require_POST
@hr_required
def retraining_assign(request, revision_id: int):
    revision = material_revision(revision_id=revision_id)
    if revision is None:  # an editorial change, a draft or a made-up id: nothing to assign
        raise Http404
    form = RetrainingForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["due_date"]))
        return redirect("hr:retraining")
    count = services.retraining_assign(revision=revision, due_date=form.cleaned_data["due_date"],
                                       assigned_by=request.user)
    messages.success(request, ngettext("Assigned “%(module)s” again to %(count)s person.",
                                       "Assigned “%(module)s” again to %(count)s people.", count)
                     % {"module": revision.module.title, "count": count})
    return redirect("hr:retraining")


@require_POST
@hr_required
def cohort_assign(request, cohort_id: int):
    cohort = get_object_or_404(Cohort, pk=cohort_id)
    _form_action(request, AssignForm(request.POST), done=_("Course assigned."),
                 action=lambda **data: services.assignment_create(cohort=cohort, assigned_by=request.user, **data))
    return redirect("hr:cohort", cohort_id=cohort.pk)


@require_POST
@hr_required
def assignment_withdraw(request, assignment_id: int):
    assignment = get_object_or_404(CourseAssignment, pk=assignment_id, withdrawn_at__isnull=True)
    count = services.assignment_withdraw(assignment=assignment, actor=request.user, request=request)
    message = _("Assignment withdrawn for %(count)s learners; their history is kept.") % {"count": count}
    messages.success(request, message)
    return redirect("hr:cohort", cohort_id=assignment.cohort_id)


@require_POST
@hr_required
def cohort_member_remove(request, cohort_id: int, user_id: int):
    cohort = get_object_or_404(Cohort, pk=cohort_id)
    member = get_object_or_404(CohortMember.objects.select_related("user"), cohort=cohort, user_id=user_id,
                               left_at__isnull=True)
    services.cohort_member_remove(cohort=cohort, user=member.user, actor=request.user, request=request)
    messages.success(request, _("Removed from the cohort; their learning history is kept."))
    return redirect("hr:cohort", cohort_id=cohort.pk)


@require_POST
@hr_required
def enrollment_extend(request, enrollment_id: int):
    enrollment = get_object_or_404(Enrollment, pk=enrollment_id)
    _form_action(request, ExtensionForm(request.POST), done=_("Due date extended."),
                 invalid=_("Give a new due date and a reason."),
                 action=lambda **data: services.due_date_extend(enrollment=enrollment, granted_by=request.user,
                                                               request=request, **data))
    return redirect("hr:learner", user_id=enrollment.user_id)


def _form_action(request, form, *, action, done: str, invalid: str = "") -> None:
    """Run a service with a bound form's data and tell the person how it went."""
    if not form.is_valid():
        messages.error(request, invalid or " ".join(e for errors in form.errors.values() for e in errors))
        return
    try:
        action(**form.cleaned_data)
    except services.HRInvalid as problem:
        messages.error(request, HR_ERRORS.get(str(problem), str(problem)))
    else:
        messages.success(request, done)


HR_ERRORS = {
    "name_taken": gettext_lazy("A cohort with this name already exists."),
    "no_members": gettext_lazy("Nobody matched: the cohort would be empty."),
    "due_in_past": gettext_lazy("The due date cannot be in the past."),
    "already_assigned": gettext_lazy("This course is already assigned to this cohort."),
    "reason_required": gettext_lazy("A reason is required."),
    "not_later": gettext_lazy("The new due date must be later than the current one."),
    "credit_incomplete": gettext_lazy("Give the training's name and category."),
    "credit_hours_range": gettext_lazy("Credit hours must be more than 0 and at most 24, with at most two decimals."),
    "credit_in_future": gettext_lazy("The session cannot be in the future."),
    "not_timed_exam": gettext_lazy("This module has no timed exam in a course this person is enrolled in."),
}
UPLOAD_ERRORS = {
    "too_big": gettext_lazy("The file is larger than 2 MB."),
    "too_big_unzipped": gettext_lazy("The workbook unpacks to more than 16 MB; keep only the list of emails in it."),
    "unknown_type": gettext_lazy("Upload a .csv or .xlsx file."),
    "encoding": gettext_lazy("The CSV file is neither UTF-8 nor GB18030."),
    "utf16_no_bom": gettext_lazy("The CSV file looks like UTF-16 text; save it as “CSV UTF-8” and upload it again."),
    "nul": gettext_lazy("Row %(row)s contains a NUL byte: this is not a plain-text CSV file. Save it as “CSV UTF-8”."),
    "not_csv": gettext_lazy("Row %(row)s cannot be read as CSV (a field is too long or badly quoted)."),
    "not_xlsx": gettext_lazy("The file is not a readable XLSX workbook."),
    "too_many_rows": gettext_lazy("The file has more than 20,000 rows."),
}


def _upload_error(problem: UploadUnreadable) -> str:
    return UPLOAD_ERRORS.get(str(problem), str(problem)) % {"row": problem.row}
