"""Error pages that render without the database and without reading the request body again.

Django's default error views are wrapped in ``requires_csrf_token``, which reads ``request.POST``
once more: for a POST whose body Django refused (a form declaring ``charset=latin-1``), that raises
the same BadRequest inside the 400 view, and the visitor gets a bare 500. These views take nothing
from the request but the language cookie, and render a standalone template without context
processors (the site's header queries the session and the user). A database that is down or
unreachable gives a 503 "try again shortly" page with Retry-After instead of a 500.

403 and 404 happen on a working site, so they render the full page (header, navigation,
language menu) with what happened and the ways back.
"""

import sys
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _


def error_page(request: HttpRequest, status: int, title: Callable[[], str],
               message: Callable[[], str]) -> HttpResponse:
    """``title`` and ``message`` are called in the visitor's language (the cookie, else Chinese)."""
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        html = render_to_string("error.html", {"title": title(), "message": message()})
    response = HttpResponse(html, status=status)
    response["Content-Language"] = language
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400, lambda: _("The request could not be read"),
                      lambda: _("The page received data it cannot read. Go back, reload the page and try again."))


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = error_page(request, 503, lambda: _("Please try again shortly"),
                              lambda: _("Ops Academy is briefly unavailable. Nothing you saved is lost; "
                                        "please try again in a minute."))
        response["Retry-After"] = str(settings.SERVICE_RETRY_AFTER_SECONDS)
        return response
    return error_page(request, 500, lambda: _("Something went wrong"),
                      lambda: _("The error has been logged. Please try again; if it happens again, "
                                "tell your trainer or HR what you were doing."))


def permission_denied(request: HttpRequest, exception: PermissionDenied | None = None) -> HttpResponse:
    """The reason the view gave (which area, why) when it gave one."""
    reason = str(exception) if exception is not None and exception.args else ""
    return render(request, "error_page.html", {
        "title": _("You have no access to this page"),
        "message": reason or _("Your account does not have the role this page needs."),
        "hint": _("If you need it for your work, ask HR to give your account the role."),
    }, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "error_page.html", {
        "title": _("Page not found"),
        "message": _("There is no page at this address: the link may be mistyped, or the page was moved or "
                     "archived."),
        "hint": "",
    }, status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(request, 403, lambda: _("The form has expired"),
                      lambda: _("The page was open too long or you signed in elsewhere. Go back, reload the page "
                                "and send the form again."))
