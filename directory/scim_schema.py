"""SCIM 2.0 (RFC 7643 resources, RFC 7644 protocol) for Users and Groups: pure translation
between SCIM JSON and our values, PATCH applied to a resource's JSON, and the one filter form
IdPs send (`attribute eq "value"`). No database here."""

import copy
import re
from dataclasses import dataclass

from integrations.entities import Person

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
FILTER_RE = re.compile(r'^\s*([A-Za-z][\w.:]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)
VALUE_PATH_RE = re.compile(r'^(\w+)\[(\w+)\s+eq\s+"([^"]*)"\](?:\.(\w+))?$', re.IGNORECASE)


class ScimError(Exception):
    def __init__(self, status: int, detail: str, scim_type: str = ""):
        self.status, self.detail, self.scim_type = status, detail, scim_type
        super().__init__(detail)

    def body(self) -> dict:
        return {"schemas": [ERROR], "status": str(self.status), "detail": self.detail,
                **({"scimType": self.scim_type} if self.scim_type else {})}


@dataclass(frozen=True)
class Filter:
    attribute: str  # lower-case
    value: str


def filter_parse(text: str | None, allowed: set[str]) -> Filter | None:
    if not text:
        return None
    match = FILTER_RE.match(text)
    if not match or match.group(1).lower() not in allowed:
        raise ScimError(400, f"unsupported filter {text!r}: use one of {sorted(allowed)} with eq", "invalidFilter")
    return Filter(match.group(1).lower(), match.group(2).replace('\\"', '"'))


def user_person(resource: dict, *, scim_id: str, department_id: str = "") -> Person:
    """A SCIM User as the Person the reconcile applies (the same code path as the IM syncs)."""
    if not isinstance(resource, dict) or not str(resource.get("userName") or "").strip():
        raise ScimError(400, "userName is required", "invalidValue")
    emails = [e for e in resource.get("emails") or [] if isinstance(e, dict) and e.get("value")]
    primary = next((e["value"] for e in emails if e.get("primary")), emails[0]["value"] if emails else "")
    user_name = str(resource["userName"]).strip()
    email = primary or (user_name if "@" in user_name else "")
    name = resource.get("name") if isinstance(resource.get("name"), dict) else {}
    display = (resource.get("displayName") or name.get("formatted")
               or " ".join(p for p in (name.get("familyName"), name.get("givenName")) if p) or user_name)
    enterprise = resource.get(ENTERPRISE) if isinstance(resource.get(ENTERPRISE), dict) else {}
    manager = enterprise.get("manager")
    manager_id = str(manager.get("value", "")) if isinstance(manager, dict) else str(manager or "")
    return Person(userid=scim_id, name=str(display), department_ids=(department_id,) if department_id else (),
                  email=str(email), job_title=str(resource.get("title") or ""),
                  employee_no=str(enterprise.get("employeeNumber") or ""), manager_userid=manager_id,
                  active=_bool(resource.get("active", True)))


def _bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in {"false", "0", "no", "off"}
    return bool(value)


def patch_apply(resource: dict, body: dict) -> dict:
    """RFC 7644 §3.5.2 on a copy of the resource: add / replace / remove, with a path (simple,
    sub-attribute, enterprise URN, or `emails[type eq "work"].value`) or a value object."""
    if not isinstance(body, dict) or PATCH not in (body.get("schemas") or []):
        raise ScimError(400, "a PatchOp body is required", "invalidSyntax")
    result = copy.deepcopy(resource)
    for operation in body.get("Operations") or []:
        op = str(operation.get("op", "")).lower()
        if op not in {"add", "replace", "remove"}:
            raise ScimError(400, f"unknown op {operation.get('op')!r}", "invalidSyntax")
        path, value = operation.get("path"), operation.get("value")
        if not path:
            if not isinstance(value, dict):
                raise ScimError(400, "an operation without a path needs an object value", "invalidValue")
            for key, item in value.items():
                _set(result, key, item, op)
        else:
            _set(result, path, value, op)
    return result


def _set(resource: dict, path: str, value, op: str) -> None:
    if path.startswith(ENTERPRISE + ":"):
        target, key = resource.setdefault(ENTERPRISE, {}), path[len(ENTERPRISE) + 1:]
        _set(target, key, value, op)
        return
    if path == ENTERPRISE and isinstance(value, dict):
        resource.setdefault(ENTERPRISE, {}).update(value)
        return
    match = VALUE_PATH_RE.match(path)
    if match:
        _set_filtered(resource, match.groups(), value, op)
        return
    head, _, rest = path.partition(".")
    key = next((k for k in resource if k.lower() == head.lower()), head)
    if rest:
        child = resource.get(key) if isinstance(resource.get(key), dict) else {}
        resource[key] = child
        _set(child, rest, value, op)
    elif op == "remove" and isinstance(value, list) and isinstance(resource.get(key), list):
        gone = {str(v.get("value")) if isinstance(v, dict) else str(v) for v in value}
        resource[key] = [i for i in resource[key] if str(i.get("value") if isinstance(i, dict) else i) not in gone]
    elif op == "remove":
        resource.pop(key, None)
    elif op == "add" and isinstance(resource.get(key), list) and isinstance(value, list):
        resource[key] = resource[key] + value
    else:
        resource[key] = value


def _set_filtered(resource: dict, groups, value, op: str) -> None:
    attribute, field, wanted, sub = groups
    items = resource.setdefault(attribute, [])
    matching = [i for i in items if isinstance(i, dict) and str(i.get(field, "")).lower() == wanted.lower()]
    if op == "remove" and not sub:
        resource[attribute] = [i for i in items if i not in matching]
        return
    if not matching:
        matching = [{field: wanted}]
        items.append(matching[0])
    for item in matching:
        if sub:
            item[sub] = value
        elif isinstance(value, dict):
            item.update(value)


def list_response(resources: list[dict], *, total: int, start: int) -> dict:
    return {"schemas": [LIST], "totalResults": total, "startIndex": start, "itemsPerPage": len(resources),
            "Resources": resources}


def paging(query) -> tuple[int, int]:
    """startIndex is 1-based; count is capped so one request stays small."""
    try:
        start = max(int(query.get("startIndex", 1)), 1)
        count = min(max(int(query.get("count", 100)), 0), 200)
    except ValueError as exc:
        raise ScimError(400, "startIndex and count must be integers", "invalidValue") from exc
    return start, count
