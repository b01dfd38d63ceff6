"""SCIM 2.0 server at /scim/v2/ (RFC 7644) for IdPs that push (Entra ID, Okta, Authing, …):
Users and Groups (= departments), filter `userName eq`, `externalId eq`, `displayName eq`,
PATCH, paging; bearer-token auth (SCIM_TOKEN). Views parse, check, call one service, render."""

import hmac
import json
import uuid

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt

from accounts.models import Department
from accounts.sso import is_placeholder

from . import services
from .models import DirectoryEntry, Source
from .scim_schema import (
    ENTERPRISE,
    GROUP,
    USER,
    ScimError,
    filter_parse,
    list_response,
    paging,
    patch_apply,
    user_person,
)

CONTENT_TYPE = "application/scim+json"


def _json(body: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, content_type=CONTENT_TYPE)


def scim_view(handler):
    @csrf_exempt
    def view(request, *args, **kwargs):
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not settings.SCIM_TOKEN or not hmac.compare_digest(token.encode(), settings.SCIM_TOKEN.encode()):
            response = _json(ScimError(401, "a valid bearer token is required").body(), 401)
            response["WWW-Authenticate"] = 'Bearer realm="scim"'
            return response
        try:
            body = json.loads(request.body) if request.body else {}
            return handler(request, body, *args, **kwargs)
        except ValueError:
            return _json(ScimError(400, "the body is not JSON", "invalidSyntax").body(), 400)
        except ScimError as exc:
            return _json(exc.body(), exc.status)

    return view


def _entries():
    return DirectoryEntry.objects.filter(source=Source.SCIM).select_related("user", "user__department_unit")


def _entry(scim_id: str) -> DirectoryEntry:
    entry = _entries().filter(external_id=scim_id).first()
    if entry is None:
        raise ScimError(404, f"no User {scim_id}")
    return entry


def user_resource(request, entry: DirectoryEntry) -> dict:
    user = entry.user
    manager = DirectoryEntry.objects.filter(source=Source.SCIM, user_id=user.manager_id).values_list(
        "external_id", flat=True).first() if user.manager_id else None
    return {
        "schemas": [USER, ENTERPRISE], "id": entry.external_id, "externalId": entry.external_ref or None,
        "userName": "" if is_placeholder(user.email) else user.email, "displayName": user.display_name,
        "name": {"formatted": user.display_name}, "title": user.job_title, "active": user.is_active,
        "emails": [] if is_placeholder(user.email) else [{"value": user.email, "type": "work", "primary": True}],
        ENTERPRISE: {"employeeNumber": user.employee_no, "department": user.department,
                     **({"manager": {"value": manager}} if manager else {})},
        "meta": {"resourceType": "User", "lastModified": entry.synced_at.isoformat(),
                 "location": request.build_absolute_uri(reverse("scim_user", args=[entry.external_id]))},
    }


def _user_write(request, body: dict, scim_id: str, current: DirectoryEntry | None):
    enterprise = body.get(ENTERPRISE) if isinstance(body.get(ENTERPRISE), dict) else {}
    department = str(enterprise.get("department") or "").strip()
    unit = current.user.department_unit if current else None
    dept_id = services.scim_department(department) if department else (
        unit.external_id if unit and unit.source == Source.SCIM else "")
    person = user_person(body, scim_id=scim_id, department_id=dept_id)
    entry = services.scim_user_save(person=person, external_ref=str(body.get("externalId") or "")[:255])
    return _json(user_resource(request, entry), 200 if current else 201)


@scim_view
def users(request, body):
    if request.method == "POST":
        user_name = str(body.get("userName") or "").strip().lower()
        if user_name and _entries().filter(user__email__iexact=user_name).exists():
            raise ScimError(409, f"userName {user_name} is taken", "uniqueness")
        return _user_write(request, body, uuid.uuid4().hex, None)
    found = filter_parse(request.GET.get("filter"), {"username", "externalid"})
    entries = _entries().order_by("pk")
    if found and found.attribute == "username":
        entries = entries.filter(user__email__iexact=found.value)
    elif found:
        entries = entries.filter(external_ref=found.value)
    start, count = paging(request.GET)
    page = list(entries[start - 1:start - 1 + count])
    return _json(list_response([user_resource(request, e) for e in page], total=entries.count(), start=start))


@scim_view
def user(request, body, scim_id: str):
    entry = _entry(scim_id)
    if request.method == "GET":
        return _json(user_resource(request, entry))
    if request.method == "DELETE":
        services.scim_user_delete(entry=entry)
        return HttpResponse(status=204)
    if request.method == "PATCH":
        body = patch_apply(user_resource(request, entry), body)
    if request.method in ("PUT", "PATCH"):
        return _user_write(request, body, scim_id, entry)
    raise ScimError(405, f"{request.method} is not supported here")


def group_resource(request, dept: Department) -> dict:
    members = DirectoryEntry.objects.filter(source=Source.SCIM, user__department_unit=dept).values_list(
        "external_id", "user__display_name")
    return {"schemas": [GROUP], "id": dept.external_id, "displayName": dept.name,
            "members": [{"value": ext, "display": name} for ext, name in members],
            "meta": {"resourceType": "Group",
                     "location": request.build_absolute_uri(reverse("scim_group", args=[dept.external_id]))}}


def _groups():
    return Department.objects.filter(source=Source.SCIM, removed_at__isnull=True).exclude(
        external_id__startswith="name:")


def _group_write(request, body: dict, external_id: str, status: int):
    name = str(body.get("displayName") or "").strip()
    if not name:
        raise ScimError(400, "displayName is required", "invalidValue")
    members = [str(m.get("value")) for m in body.get("members") or [] if isinstance(m, dict)]
    dept = services.scim_group_save(external_id=external_id, name=name, member_ids=members)
    return _json(group_resource(request, dept), status)


@scim_view
def groups(request, body):
    if request.method == "POST":
        return _group_write(request, body, uuid.uuid4().hex, 201)
    found = filter_parse(request.GET.get("filter"), {"displayname"})
    depts = _groups().order_by("pk")
    if found:
        depts = depts.filter(name=found.value)
    start, count = paging(request.GET)
    page = list(depts[start - 1:start - 1 + count])
    return _json(list_response([group_resource(request, d) for d in page], total=depts.count(), start=start))


@scim_view
def group(request, body, group_id: str):
    dept = _groups().filter(external_id=group_id).first()
    if dept is None:
        raise ScimError(404, f"no Group {group_id}")
    if request.method == "GET":
        return _json(group_resource(request, dept))
    if request.method == "DELETE":
        services.scim_group_delete(dept=dept)
        return HttpResponse(status=204)
    if request.method == "PATCH":
        body = patch_apply(group_resource(request, dept), body)
    if request.method in ("PUT", "PATCH"):
        return _group_write(request, body, group_id, 200)
    raise ScimError(405, f"{request.method} is not supported here")


@scim_view
def service_provider_config(request, body):
    return _json({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
                  "patch": {"supported": True}, "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
                  "filter": {"supported": True, "maxResults": 200}, "changePassword": {"supported": False},
                  "sort": {"supported": False}, "etag": {"supported": False},
                  "authenticationSchemes": [{"type": "oauthbearertoken", "name": "Bearer token",
                                             "description": "Authorization: Bearer <SCIM_TOKEN>"}]})


urlpatterns = [
    path("Users", users, name="scim_users"),
    path("Users/<str:scim_id>", user, name="scim_user"),
    path("Groups", groups, name="scim_groups"),
    path("Groups/<str:group_id>", group, name="scim_group"),
    path("ServiceProviderConfig", service_provider_config, name="scim_config"),
]
