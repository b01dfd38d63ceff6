"""The certificate as a one-page PDF (reportlab; its built-in CID font renders Chinese)."""

from io import BytesIO

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from .models import Certificate

FONT = "STSong-Light"
BRAND = HexColor("#1d4e89")
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def verify_url(certificate: Certificate) -> str:
    return settings.SITE_URL + reverse("progress:verify", args=[certificate.code])


def certificate_pdf(certificate: Certificate) -> bytes:
    buffer = BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"结业证书 {certificate.code}")
    pdf.setStrokeColor(BRAND)
    pdf.setLineWidth(6)
    pdf.rect(28, 28, width - 56, height - 56)
    pdf.setLineWidth(1.5)
    pdf.rect(40, 40, width - 80, height - 80)
    issued = timezone.localtime(certificate.issued_at).strftime("%Y 年 %m 月 %d 日")
    lines = [
        (34, "结业证书", height - 140, BRAND),
        (14, "Certificate of Completion", height - 168, BRAND),
        (16, "兹证明", height - 230, None),
        (30, certificate.learner_name, height - 280, None),
        (16, "已完成课程全部必修模块并通过测验：", height - 330, None),
        (24, f"《{certificate.course_title}》", height - 375, BRAND),
        (13, f"完成日期：{issued}　　学习时长：{certificate.hours} 小时", height - 430, None),
        (11, f"验证码：{certificate.code}　　验证地址：{verify_url(certificate)}", 90, None),
    ]
    for size, text, y, colour in lines:
        pdf.setFont(FONT, size)
        pdf.setFillColor(colour or HexColor("#1b2430"))
        pdf.drawCentredString(width / 2, y, text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
