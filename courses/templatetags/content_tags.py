from django import template

from courses.content.uilabels import labels_localise

register = template.Library()


@register.filter
def widget_labels(html: str) -> str:
    """Stored module HTML with its widget chrome in the reader's language (still to be marked safe)."""
    return labels_localise(html)
