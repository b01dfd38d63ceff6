"""The content format guide as a page: content/README.md rendered by the course pipeline's Markdown."""

from functools import lru_cache
from pathlib import Path

from django.conf import settings

from courses.content.sanitise import render_markdown


def format_guide() -> tuple[str, list[dict]] | None:
    """Sanitised HTML and table of contents of the guide, or None when the file is missing."""
    path = Path(settings.CONTENT_DIR) / "README.md"
    try:
        changed = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    return _rendered(str(path), changed)


@lru_cache(maxsize=2)
def _rendered(path: str, changed: int) -> tuple[str, list[dict]]:
    """Keyed by the file's modification time, so an edited guide renders anew."""
    return render_markdown(Path(path).read_text(encoding="utf-8"))
