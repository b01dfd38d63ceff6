"""Reminders as IM messages: a card with the course, the module, the due date and one button that
opens the module (through the IM's in-client sign-in entry when company sign-in is set up for that
platform), in the recipient's language. Group robots get the HR digest as Markdown."""

from urllib.parse import urlencode

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from integrations.entities import Card, Markdown, Message
from progress.selectors import CourseProgress

from .channels import PLATFORM_OF
from .emails import absolute, context_for, language_of
from .models import ROBOT_CHANNELS, ReminderChannel, ReminderKind, ReminderLog
from .rules import Candidate

# DingTalk's Markdown needs a blank line to break a line; WeCom's textcard takes plain lines.
LINE_BREAK = {ReminderChannel.DINGTALK: "\n\n", ReminderChannel.DINGTALK_ROBOT: "\n\n"}
ROBOT_PLATFORM = {ReminderChannel.WECOM_ROBOT: "wecom", ReminderChannel.DINGTALK_ROBOT: "dingtalk",
                  ReminderChannel.FEISHU_ROBOT: "feishu"}


def sign_in_configured(platform: str) -> bool:
    return bool(settings.SOCIALACCOUNT_PROVIDERS.get(platform, {}).get("APPS"))


def opening_link(platform: str, path: str) -> str:
    """Inside the IM, a plain link would land on our sign-in page; the sign-in entry signs the
    member in silently and then opens `path`."""
    if sign_in_configured(platform):
        entry = reverse("accounts:sso_entry", args=[platform])
        return absolute(f"{entry}?{urlencode({'next': path})}")
    return absolute(path)


def _button(kind: str, context: dict) -> tuple[str, str]:
    if kind == ReminderKind.HR_DIGEST:
        return gettext("Open the reminder overview"), context["preview_url"]
    if kind == ReminderKind.COMPLETED and context.get("certificate_url"):
        return gettext("View your certificate"), context["certificate_url"]
    if kind == ReminderKind.ESCALATION:
        return gettext("Open the course"), context["outline_url"]
    return gettext("Open the module") if context.get("next_module") else gettext("Open the course"), \
        context["next_url"]


def _site_path(url: str) -> str:
    return url.removeprefix(settings.SITE_URL) or "/"


def message_for_channel(candidate: Candidate, log: ReminderLog, progress: CourseProgress | None = None) -> Message:
    """What one logged reminder says on its channel; equal messages can share one platform call."""
    channel = log.channel
    language = settings.LANGUAGE_CODE if channel in ROBOT_CHANNELS else language_of(candidate.recipient.language)
    kind = ReminderKind(log.rule.kind).value
    with translation.override(language):
        context = context_for(candidate, log, progress)
        title = " ".join(render_to_string(f"emails/reminder_{kind}.subject.txt", context).split())
        lines = [line.strip() for line in render_to_string(f"reminders/im/reminder_{kind}.txt", context)
                 .splitlines() if line.strip()]
        description = LINE_BREAK.get(channel, "\n").join(lines)
        button, url = _button(kind, context)
    platform = PLATFORM_OF.get(channel) or ROBOT_PLATFORM[channel]
    link = opening_link(platform, _site_path(url))
    if channel in ROBOT_CHANNELS:
        return Markdown(title=title, content=f"{description}\n\n[{button}]({link})")
    return Card(title=title, description=description, url=link, button_text=button)
