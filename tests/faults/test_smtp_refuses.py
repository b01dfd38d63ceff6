"""The "export ready" email refused by a real SMTP server (aiosmtpd on loopback, started here):
the file is still linked on the export log, the failure is shown there, and the sweep tries the
email again with backoff until the server accepts it; it arrives once."""

import email
import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from hr.models import ExportLog
from hr.services import export_sweep
from progress.models import Enrollment
from tests.factories import UserFactory
from tests.faults.services import free_port


class Inbox:
    def __init__(self):
        self.refuse, self.messages = True, []

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "451 4.3.0 mailbox temporarily unavailable"
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    from aiosmtpd.controller import Controller

    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    try:
        yield inbox
    finally:
        controller.stop()


def test_a_refused_export_email_leaves_the_file_linked_and_is_retried(smtp, imported_course, hr_user, settings,
                                                                        tmp_path, django_capture_on_commit_callbacks):
    # Given a background export and an SMTP server that refuses mail
    settings.EXPORT_DIR, settings.EXPORT_ASYNC_ROWS = tmp_path, 0
    Enrollment.objects.create(user=UserFactory(email="someone@example.com"), course=imported_course)
    hr_user.save()
    from django.test import Client

    client = Client()
    client.force_login(hr_user)
    client.cookies["django_language"] = "en"
    # When HR starts it (tasks run in-process here, as without a broker)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get("/hr/export/?kind=summary_csv").status_code == 302
    # Then the export finished, its file is linked on the export log, and the failure is shown
    export = ExportLog.objects.get()
    assert export.finished_at and export.email_sent_at is None and export.email_attempts == 1
    page = client.get("/hr/exports/").content.decode()
    assert "Email not delivered (1 of 8 tries)" in page and "451" in page
    link = re.search(r'href="(/hr/exports/[^"]+/)"', page).group(1)
    download = client.get(link)
    assert b"".join(download.streaming_content).decode("utf-8").startswith("\ufeff姓名")
    # When beat's sweep runs before the backoff (60 s) is over, nothing is tried
    export_sweep()
    assert ExportLog.objects.get().email_attempts == 1
    # When it runs after the backoff, the email is tried again: refused again, the next try waits
    # twice as long
    start = timezone.now()
    with time_machine.travel(start + timedelta(seconds=61)):
        export_sweep()
    export.refresh_from_db()
    assert export.email_attempts == 2
    assert timedelta(seconds=119) < export.email_due_at - (start + timedelta(seconds=61)) < timedelta(seconds=130)
    # When the server accepts mail again and the sweep runs after that backoff (twice, as beat would)
    smtp.refuse = False
    with time_machine.travel(start + timedelta(seconds=200)):
        export_sweep()
        export_sweep()
    # Then the email arrived once, and the page says so
    assert [m["To"] for m in smtp.messages] == [hr_user.email]
    assert "Emailed" in client.get("/hr/exports/").content.decode()
