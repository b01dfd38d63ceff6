"""Widget chrome in stored module HTML, put into the reader's language when the page is shown.

A module's HTML is rendered once and shared by every reader, whatever language they chose, so the
widget templates write their interface words as tokens (``⟦ui:check_kind⟧``, with an optional
argument ``⟦ui:resource_missing|roi-sheet⟧``) and ``lang="⟦lang⟧"`` on the elements that hold
them; ``labels_localise`` swaps them for the active language's words when the page is rendered.
Unknown names stay as they are. Arguments were escaped by the widget template already.
"""

import re

from django.utils.html import escape
from django.utils.translation import get_language, to_language
from django.utils.translation import gettext_lazy as _

from . import calculators

TOKEN_RE = re.compile(r"⟦(?:ui:(?P<name>[\w.-]+)(?:\|(?P<arg>[^⟧]*))?|(?P<lang>lang))⟧")

LABELS = {
    "case": _("Case"),
    "tip": _("Tip"),
    "check": _("Knowledge check"),
    "check_kind": _("Knowledge check · not graded"),
    "show_explanation": _("Show explanation"),
    "true": _("True"),
    "false": _("False"),
    "calc_sample": _("Example data"),
    "calc_sample_unit": _("Example data (unit: %(arg)s)"),
    "reflection": _("Reflection"),
    "exercise": _("Data exercise"),
    "exercise_submit": _("Submit answers"),
    "exercise_nojs": _("Sign in with JavaScript turned on to submit; the server grades your answers."),
    "resource": _("Template download"),
    "resource_sheet": _("Spreadsheet template · Excel"),
    "resource_document": _("Printable template"),
    "resource_preview": _("Preview template"),
    "resource_print": _("Open and print"),
    "resource_download": _("Download .xlsx"),
    "resource_unknown": _("Template"),
    "resource_missing": _("There is no template “%(arg)s”."),
    **calculators.labels(),
}


def token(name: str) -> str:
    return f"⟦ui:{name}⟧"


def labels_localise(html: str) -> str:
    """``html`` with every known token replaced by its words in the active language."""
    if "⟦" not in html:
        return html
    language = to_language(get_language() or "zh-hans")

    def replace(match: re.Match) -> str:
        if match["lang"]:
            return language
        label = LABELS.get(match["name"])
        if label is None:
            return match[0]
        text = escape(str(label))
        return text % {"arg": match["arg"]} if match["arg"] is not None else text

    return TOKEN_RE.sub(replace, html)
