"""Exports tell people inside 企业微信 / 钉钉 / 飞书 how to get the file, whose webviews often cannot download."""

from django.core import mail

HINT = "选择“在浏览器中打开”后再下载"


def test_report_and_export_log_say_how_to_download_inside_the_im_apps(hr_client, org):
    assert HINT in hr_client.get("/hr/").content.decode()
    assert HINT in hr_client.get("/hr/exports/").content.decode()


def test_the_export_ready_email_says_it_too(hr_client, org, tmp_path, settings, django_capture_on_commit_callbacks):
    settings.EXPORT_DIR = tmp_path
    settings.EXPORT_ASYNC_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        hr_client.get("/hr/export/?kind=summary_csv")
    (message,) = mail.outbox
    assert HINT in message.body and HINT in message.alternatives[0][0]
