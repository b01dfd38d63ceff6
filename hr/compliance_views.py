"""HR's compliance pages: the 学时 report, 学时证明 (page and PDF), evidence packs and their public check."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role, User
from accounts.roles import role_required
from progress.models import Cohort

from . import credit, selectors, services
from .documents import credit_statement_document, document_pdf
from .models import EvidencePack

hr_required = role_required(Role.HR)


@hr_required
def credit_report(request):
    form, filters = credit.credit_filters(request.GET)
    report = credit.credit_report(filters, request.GET.get("page"))
    query = "" if filters.invalid else urlencode(filters.as_dict())
    context = {"form": form, "filters": filters, "query": query, **report}
    return render(request, "hr/credit.html", context, status=400 if filters.invalid else 200)


def _statement(request, user_id: int) -> credit.PersonCredit:
    person = get_object_or_404(User, pk=user_id)
    year = request.GET.get("year", "")
    if year and not (year.isdigit() and credit.FIRST_YEAR <= int(year) <= timezone.localdate().year + 1):
        raise BadYear
    return credit.person_credit(user=person, year=int(year) if year else None)


class BadYear(ValueError):
    pass


def _bad_year() -> HttpResponse:
    return HttpResponse(_("The year must be a year such as 2026."), status=400,
                        content_type="text/plain; charset=utf-8")


@hr_required
def credit_statement(request, user_id: int):
    """学时证明: one person's credit hours (of one year, or all), to print or save as PDF."""
    try:
        statement = _statement(request, user_id)
    except BadYear:
        return _bad_year()
    return render(request, "hr/credit_statement.html", {"statement": statement,
                                                        "query": urlencode({"year": statement.year or ""})})


@hr_required
def credit_statement_pdf(request, user_id: int):
    try:
        statement = _statement(request, user_id)
    except BadYear:
        return _bad_year()
    pdf = document_pdf(credit_statement_document(statement))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="credit-hours-{user_id}.pdf"'
    return response


@require_POST
@hr_required
def learner_evidence(request, user_id: int):
    return _evidence_served(request, learner=get_object_or_404(User, pk=user_id))


@require_POST
@hr_required
def cohort_evidence(request, cohort_id: int):
    return _evidence_served(request, cohort=get_object_or_404(Cohort, pk=cohort_id))


EVIDENCE_TYPES = {"pdf": "application/pdf",
                  "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _evidence_served(request, **subject) -> HttpResponse:
    file_format = request.POST.get("format", "")
    if file_format not in EVIDENCE_TYPES:
        return HttpResponse(_("Choose PDF or XLSX."), status=400, content_type="text/plain; charset=utf-8")
    try:
        pack, data = services.evidence_pack_create(created_by=request.user, file_format=file_format,
                                                   request=request, **subject)
    except services.EvidenceTooBig as problem:
        messages.error(request, _("An evidence pack holds at most %(limit)s module rows; this one would hold "
                                  "%(rows)s. Make packs of smaller cohorts, or per learner.")
                       % {"limit": settings.EVIDENCE_MAX_ROWS, "rows": problem.rows})
        if "cohort" in subject:
            return redirect("hr:cohort", cohort_id=subject["cohort"].pk)
        return redirect("hr:learner", user_id=subject["learner"].pk)
    response = HttpResponse(data, content_type=EVIDENCE_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="evidence-{pack.code}.{file_format}"'
    return response


@require_http_methods(["GET", "POST"])
def evidence_verify(request, code: str):
    """Anyone holding a copy checks it here: the file (or its SHA-256) against the digest recorded."""
    pack = get_object_or_404(EvidencePack.objects.select_related("created_by"), code=code)
    verified, error = None, ""
    if request.method == "POST":
        upload, digest = request.FILES.get("file"), request.POST.get("sha256", "").strip()
        if upload is not None and upload.size > settings.FILE_UPLOAD_MAX_BYTES:
            error = _("The file is larger than %(mb)s MB, too large to upload here: paste its SHA-256 instead "
                      "(sha256sum on Linux, shasum -a 256 on macOS, certutil -hashfile … SHA256 on Windows).") % {
                "mb": settings.FILE_UPLOAD_MAX_BYTES // (1024 * 1024)}
        elif upload is not None:
            verified = selectors.evidence_check(pack=pack, data=upload.read())
        elif digest:
            verified = selectors.evidence_check(pack=pack, digest=digest)
        else:
            error = _("Choose the file you received, or paste its SHA-256.")
    return render(request, "hr/evidence_verify.html", {"pack": pack, "verified": verified, "error": error},
                  status=400 if error else 200)


