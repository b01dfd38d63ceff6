"""Plain values the clients return and take. No platform-specific field names leak out of
the platform modules: directory sync and reminder channels read these."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Department:
    id: str
    name: str
    parent_id: str | None  # None for the root
    order: int = 0
    leader_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Person:
    userid: str
    name: str
    department_ids: tuple[str, ...] = ()
    mobile: str = ""
    email: str = ""
    job_title: str = ""
    employee_no: str = ""
    manager_userid: str = ""
    active: bool = True  # False for disabled, resigned or not-yet-joined accounts
    union_id: str = ""
    open_id: str = ""


@dataclass(frozen=True)
class DepartmentMember:
    """One (person, department) pair from an id-only listing (WeCom user/list_id)."""

    userid: str
    department_id: str


@dataclass(frozen=True)
class LoginIdentity:
    """Who signed in. `userid` is the platform's member id within the corp / tenant; it is
    empty when the person is not a member (WeCom returns only an openid then)."""

    platform: str
    userid: str
    tenant: str = ""  # corp id / corp id / tenant_key: the company the person belongs to
    union_id: str = ""
    open_id: str = ""
    name: str = ""
    email: str = ""
    mobile: str = ""
    employee_no: str = ""


@dataclass(frozen=True)
class Text:
    content: str


@dataclass(frozen=True)
class Markdown:
    title: str  # shown in notification previews where the platform supports it
    content: str


@dataclass(frozen=True)
class Card:
    """A card with one button that opens `url` (WeCom textcard, DingTalk action_card, Feishu
    interactive card)."""

    title: str
    description: str
    url: str
    button_text: str


Message = Text | Markdown | Card


@dataclass(frozen=True)
class SendResult:
    """What happened to each recipient of one send. Nothing is dropped silently: every
    recipient is in exactly one of `sent`, `invalid` or `deferred`."""

    sent: tuple[str, ...] = ()
    invalid: tuple[str, ...] = ()  # unknown or out-of-scope ids, as the platform reported them
    deferred: dict[str, float] = field(default_factory=dict)  # recipient -> seconds to wait
    message_ids: tuple[str, ...] = ()  # msgid / task_id / message_id, one per platform call


@dataclass(frozen=True)
class DeliveryReport:
    """DingTalk work notifications are asynchronous: what the platform knows later."""

    done: bool
    percent: int
    invalid: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()  # dropped by the platform's own limits (retry tomorrow)
    failed: tuple[str, ...] = ()
    read: tuple[str, ...] = ()
    unread: tuple[str, ...] = ()


@dataclass(frozen=True)
class CallbackEvent:
    platform: str
    event_type: str  # e.g. "change_contact/update_user", "user_modify_org", "contact.user.updated_v3"
    payload: dict[str, Any]
    event_id: str = ""  # the platform's id, for de-duplicating redeliveries
