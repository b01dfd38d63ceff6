"""Directory endpoints: the IMs' change callbacks (signature-checked, replay-guarded; a refused
one is answered 403 and logged), and the held-sync page where HR or an admin confirms a sync
that would deactivate many people."""

import json
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from accounts.roles import ROLE_REFUSALS
from integrations.dingtalk import DingTalkCallbacks
from integrations.errors import CallbackRejected
from integrations.feishu import FeishuCallbacks
from integrations.wecom import WeComCallbacks

from . import selectors, services
from .callbacks import event_handle
from .models import SyncRun

log = logging.getLogger(__name__)


def _refused(exc: CallbackRejected, request) -> HttpResponse:
    log.warning("directory callback refused: %s (from %s)", exc, request.META.get("REMOTE_ADDR"))
    return HttpResponseForbidden("refused")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def wecom_callback(request):
    q = request.GET
    callbacks = WeComCallbacks()
    try:
        if request.method == "GET":  # saving the URL in the admin console
            return HttpResponse(callbacks.verify_url(msg_signature=q.get("msg_signature", ""),
                                                     timestamp=q.get("timestamp", ""), nonce=q.get("nonce", ""),
                                                     echostr=q.get("echostr", "")), content_type="text/plain")
        event = callbacks.parse(msg_signature=q.get("msg_signature", ""), timestamp=q.get("timestamp", ""),
                                nonce=q.get("nonce", ""), body=request.body.decode("utf-8", "replace"))
    except CallbackRejected as exc:
        return _refused(exc, request)
    log.info("wecom callback %s: %s", event.event_type, event_handle(event))
    return HttpResponse("success", content_type="text/plain")


@csrf_exempt
@require_POST
def dingtalk_callback(request):
    q = request.GET
    callbacks = DingTalkCallbacks()
    try:
        encrypt = json.loads(request.body or b"{}").get("encrypt", "")
        event = callbacks.parse(msg_signature=q.get("msg_signature", q.get("signature", "")),
                                timestamp=q.get("timestamp", ""), nonce=q.get("nonce", ""), encrypt=encrypt)
    except (CallbackRejected, ValueError, AttributeError) as exc:
        reason = exc if isinstance(exc, CallbackRejected) else CallbackRejected("dingtalk", "body is not JSON")
        return _refused(reason, request)
    log.info("dingtalk callback %s: %s", event.event_type, event_handle(event))
    return JsonResponse(callbacks.success_reply(timestamp=q.get("timestamp", ""), nonce=q.get("nonce", "")))


@csrf_exempt
@require_POST
def feishu_callback(request):
    try:
        event = FeishuCallbacks().parse(body=request.body, headers=dict(request.headers))
    except CallbackRejected as exc:
        return _refused(exc, request)
    if event.event_type == "url_verification":
        return JsonResponse({"challenge": event.payload["challenge"]})
    log.info("feishu callback %s: %s", event.event_type, event_handle(event))
    return JsonResponse({})


def _directory_admin(request) -> None:
    if not (request.user.is_superuser or request.user.has_role(Role.HR)):
        raise PermissionDenied(ROLE_REFUSALS[Role.HR])


@login_required
def sync_runs(request):
    _directory_admin(request)
    return render(request, "directory/runs.html", {"held": selectors.held_runs(), "runs": selectors.recent_runs()})


@require_POST
@login_required
def sync_confirm(request, run_id: int):
    _directory_admin(request)
    run = get_object_or_404(SyncRun, pk=run_id, status=SyncRun.Status.HELD)
    services.sync_confirm(run=run, actor=request.user, request=request)
    messages.success(request, _("The %(source)s sync was confirmed and is being applied.")
                     % {"source": run.get_source_display()})
    return redirect("directory:runs")
