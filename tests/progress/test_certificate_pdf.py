"""The certificate PDF embeds its fonts and its text extracts, even for a rare-character name."""

import shutil
import subprocess

import pytest
from django.test import override_settings

from progress.certificate_fonts import CertificateFontMissing, certificate_font
from progress.models import Certificate
from tests.progress.test_certificates import complete_course

pytestmark = pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils is not installed")


@pytest.fixture
def rare_name_certificate(learner_client, learner, imported_course):
    learner.display_name = "𠮷田 Ada"
    learner.save()
    complete_course(learner_client, learner)
    return Certificate.objects.get(user=learner)


def poppler(tool: str, pdf: bytes, tmp_path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return subprocess.run([tool, str(path), "-"] if tool == "pdftotext" else [tool, str(path)],
                          capture_output=True, text=True, check=True).stdout


def test_every_font_is_embedded_and_the_name_and_course_extract(learner_client, rare_name_certificate, tmp_path):
    pdf = learner_client.get(f"/certificates/{rare_name_certificate.code}/pdf/").content
    fonts = poppler("pdffonts", pdf, tmp_path).splitlines()[2:]
    assert len(fonts) == 2 and all(" yes yes yes " in row for row in fonts), fonts
    text = poppler("pdftotext", pdf, tmp_path)
    assert "𠮷田 Ada" in text and "测试课程" in text and "结业证书" in text
    assert rare_name_certificate.code in text


def test_latin_text_is_proportionally_spaced(learner_client, rare_name_certificate, tmp_path):
    from django.conf import settings

    learner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    pdf = learner_client.get(f"/certificates/{rare_name_certificate.code}/pdf/").content
    assert "Certificate of Completion" in poppler("pdftotext", pdf, tmp_path)
    font = certificate_font(bold=False, text="iM", name="Probe")
    assert font.stringWidth("iiii", 10) < font.stringWidth("MMMM", 10) / 2


def test_certificate_time_is_the_dashboard_time(learner_client, learner, rare_name_certificate):
    from progress.models import ModuleProgress

    ModuleProgress.objects.filter(user=learner).update(active_seconds=53 * 60 + 20)  # three modules: 2 h 40 min
    assert "2 小时 40 分钟" in learner_client.get("/me/").content.decode()
    page = learner_client.get(f"/certificates/{rare_name_certificate.code}/").content.decode()
    assert "学习时长 2 小时 40 分钟" in page


def test_in_page_certificate_has_a_qr_code_and_webview_hint(learner_client, rare_name_certificate):
    page = learner_client.get(f"/certificates/{rare_name_certificate.code}/").content.decode()
    assert 'src="data:image/svg+xml' in page and "企业微信" in page
    assert f"/verify/{rare_name_certificate.code}/" in page and "𠮷田 Ada" in page


def test_a_missing_font_family_is_a_clear_error(learner_client, rare_name_certificate):
    with override_settings(CERTIFICATE_FONT="No Such Font Family"), \
            pytest.raises(CertificateFontMissing, match="No Such Font Family".lower()):
        learner_client.get(f"/certificates/{rare_name_certificate.code}/pdf/")


def test_other_learners_cannot_download_it(client, rare_name_certificate):
    from tests.factories import UserFactory

    client.force_login(UserFactory(email="other@example.com"))
    assert client.get(f"/certificates/{rare_name_certificate.code}/pdf/").status_code == 404
