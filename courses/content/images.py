"""Which images a module may show: same-site ones, and https images from CONTENT_IMAGE_HOSTS.

An image from any other host would let a module carry a tracking pixel (every learner's visit
reported to that host), so validation reports it with its line, the sanitiser drops it whatever
got past validation, and the Content-Security-Policy's img-src names the same hosts.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings

from quizzes.syntax import Problem

MARKDOWN_IMAGE_RE = re.compile(r"!\[[^\]\n]*\]\(\s*<?([^)\s>]+)")
REFERENCE_IMAGE_RE = re.compile(r"!\[[^\]\n]*\]\s*\[([^\]\n]*)\]")
REFERENCE_DEFINITION_RE = re.compile(r"^\s{0,3}\[([^\]\n]+)\]:\s*<?(\S+?)>?(?:\s|$)")
HTML_IMAGE_RE = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)


def allowed_hosts() -> set[str]:
    return {host.lower() for host in settings.CONTENT_IMAGE_HOSTS}


def image_allowed(url: str) -> bool:
    """Relative URLs are same-site; absolute ones need the site's host, or https and a listed host."""
    parts = urlsplit(url.strip())
    if not parts.scheme and not parts.netloc:
        return True
    host = (parts.hostname or "").lower()
    if host and host == (urlsplit(settings.SITE_URL).hostname or "").lower() and parts.scheme in ("http", "https"):
        return True
    return parts.scheme == "https" and host in allowed_hosts()


def image_problems(lines: list[str], first_line: int) -> list[Problem]:
    """Every image in the text that would be dropped, with its line."""
    definitions = {}
    for line in lines:
        if match := REFERENCE_DEFINITION_RE.match(line):
            definitions[match[1].strip().lower()] = match[2]
    problems = []
    for offset, line in enumerate(lines):
        urls = MARKDOWN_IMAGE_RE.findall(line) + HTML_IMAGE_RE.findall(line)
        urls += [definitions.get(label.strip().lower(), "") for label in REFERENCE_IMAGE_RE.findall(line)]
        for url in urls:
            if url and not image_allowed(url):
                problems.append(Problem.of(first_line + offset, "image %(url)r comes from another site "
                                           "(%(host)s); images must be on this site or on a host listed in "
                                           "CONTENT_IMAGE_HOSTS (https only), so a module cannot track its "
                                           "readers", url=url, host=urlsplit(url).hostname or url))
    return problems

