"""Request guards that run before anything reads the request body."""

import codecs

from django.utils.translation import gettext as _

from .errors import error_page

FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}


class FormCharsetMiddleware:
    """Form data must be UTF-8 (what every browser sends). A form post that declares another or an
    unknown charset gets a clear 400, whatever the form: Django refuses such bodies for
    urlencoded posts and silently decodes multipart ones in the declared charset."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        charset = request.content_params.get("charset") if request.content_type in FORM_TYPES else None
        if charset and request.method not in ("GET", "HEAD", "OPTIONS") and not _is_utf8(charset):
            return error_page(request, 400, lambda: _("The request could not be read"),
                              lambda: _("Form data must be sent as UTF-8, not “%(charset)s”.") % {
                                  "charset": charset[:40]})
        return self.get_response(request)


def _is_utf8(charset: str) -> bool:
    try:
        return codecs.lookup(charset.strip().strip('"')).name == "utf-8"
    except (LookupError, ValueError):
        return False
