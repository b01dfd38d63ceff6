"""The certificate as a one-page PDF whose fonts are embedded subsets (see certificate_fonts)."""

from dataclasses import dataclass
from io import BytesIO

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from .certificate_fonts import certificate_font, fonts_registered
from .models import Certificate
from .templatetags.progress_tags import duration

BRAND = HexColor("#1d4e89")
INK = HexColor("#1b2430")
REGULAR, BOLD = "CertificateSans", "CertificateSans-Bold"


@dataclass(frozen=True)
class CertificateText:
    title: str
    certifies: str
    learner: str
    completed: str
    course: str
    when: str
    validity: str  # empty for a certificate that never expires
    verification: str


def verify_url(certificate: Certificate) -> str:
    return settings.SITE_URL + reverse("progress:verify", args=[certificate.code])


def verify_qr_code(certificate: Certificate) -> str:
    """The verification link as a QR code (an SVG data URI) for phones that cannot open the PDF."""
    return segno.make(verify_url(certificate), error="m").svg_data_uri(scale=5, border=2, dark="#1b2430")


def certificate_text(certificate: Certificate, *, seconds: int) -> CertificateText:
    """What the certificate says, in the active language; seconds is the course's learning time."""
    issued = date_format(timezone.localtime(certificate.issued_at), "DATE_FORMAT")
    return CertificateText(
        title=_("Certificate of Completion"), certifies=_("This certifies that"),
        learner=certificate.learner_name,
        completed=_("has completed every required module of the course and passed its quizzes:"),
        course=_("“%(title)s”") % {"title": certificate.course_title},
        when=_("Completed on %(date)s · Learning time %(time)s") % {"date": issued, "time": duration(seconds)},
        validity=_validity(certificate),
        verification=_("Verification code %(code)s · Verify at %(url)s") % {
            "code": certificate.code, "url": verify_url(certificate)})


def _validity(certificate: Certificate) -> str:
    if not certificate.valid_until:
        return ""
    until = date_format(timezone.localtime(certificate.valid_until), "DATE_FORMAT")
    if certificate.course_revision:
        return _("Valid until %(date)s · course revision %(number)s") % {
            "date": until, "number": certificate.course_revision}
    return _("Valid until %(date)s") % {"date": until}


def certificate_pdf(certificate: Certificate, *, seconds: int) -> bytes:
    text = certificate_text(certificate, seconds=seconds)
    width, height = landscape(A4)
    lines = [
        (BOLD, 34, text.title, height - 150, BRAND),
        (REGULAR, 16, text.certifies, height - 225, INK),
        (BOLD, 30, text.learner, height - 280, INK),
        (REGULAR, 16, text.completed, height - 330, INK),
        (BOLD, 24, text.course, height - 378, BRAND),
        (REGULAR, 13, text.when, height - 435, INK),
        (REGULAR, 13, text.validity, height - 460, INK),
        (REGULAR, 10, text.verification, 90, INK),
    ]
    lines = [line for line in lines if line[2]]
    fonts = [certificate_font(bold=name == BOLD, text="".join(line[2] for line in lines if line[0] == name),
                              name=name) for name in (REGULAR, BOLD)]
    with fonts_registered(fonts):
        buffer = BytesIO()
        pdf = canvas.Canvas(buffer, pagesize=(width, height), initialFontName=REGULAR)
        pdf.setTitle(f"{text.title} {certificate.code}")
        _frame(pdf, width, height)
        for font, size, line, y, colour in lines:
            pdf.setFont(font, size)
            pdf.setFillColor(colour)
            pdf.drawCentredString(width / 2, y, line)
        pdf.showPage()
        pdf.save()
    return buffer.getvalue()


def _frame(pdf: canvas.Canvas, width: float, height: float) -> None:
    pdf.setStrokeColor(BRAND)
    pdf.setLineWidth(6)
    pdf.rect(28, 28, width - 56, height - 56)
    pdf.setLineWidth(1.5)
    pdf.rect(40, 40, width - 80, height - 80)
