"""Which channels this installation can use (from settings) and which of them a rule asks for.

A platform channel counts as configured when its app credentials are set (the same settings the
`integrations` clients read); a robot when its webhook is set. Email always is.
"""

from django.conf import settings

from .models import PERSONAL_IM_CHANNELS, ROBOT_CHANNELS, ReminderChannel, ReminderRule

Channel = ReminderChannel

# The allauth provider (and directory source) whose uid is a person's id on the channel's platform.
PLATFORM_OF = {Channel.WECOM: "wecom", Channel.DINGTALK: "dingtalk", Channel.FEISHU: "feishu"}


def configured() -> set[str]:
    s = settings
    present = {
        Channel.EMAIL: True,
        Channel.WECOM: all([s.WECOM_CORP_ID, s.WECOM_AGENT_ID, s.WECOM_SECRET]),
        Channel.DINGTALK: all([s.DINGTALK_APP_KEY, s.DINGTALK_APP_SECRET, s.DINGTALK_AGENT_ID]),
        Channel.FEISHU: all([s.FEISHU_APP_ID, s.FEISHU_APP_SECRET]),
        Channel.WECOM_ROBOT: bool(s.WECOM_ROBOT_KEY),
        Channel.DINGTALK_ROBOT: all([s.DINGTALK_ROBOT_ACCESS_TOKEN, s.DINGTALK_ROBOT_SECRET]),
        Channel.FEISHU_ROBOT: all([s.FEISHU_ROBOT_HOOK_TOKEN, s.FEISHU_ROBOT_SECRET]),
    }
    return {str(channel) for channel, ok in present.items() if ok}


def rule_channels(rule: ReminderRule) -> tuple[str, ...]:
    """The channels a rule sends on here: its own list (or the company default), configured ones only."""
    wanted = rule.channels or settings.REMINDER_DEFAULT_CHANNELS
    available = configured()
    return tuple(c for c in dict.fromkeys(wanted) if c in available)


def personal(channels: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c for c in channels if c not in ROBOT_CHANNELS)


def robots(channels: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c for c in channels if c in ROBOT_CHANNELS)


def offered_to_people() -> list[str]:
    """The channels a person can choose on their preference page: email and configured IM apps."""
    available = configured()
    return [str(c) for c in (Channel.EMAIL, *PERSONAL_IM_CHANNELS) if c in available]
