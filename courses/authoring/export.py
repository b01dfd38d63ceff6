"""Courses and modules back into files in the content/ format, zipped. What import_content reads
is what this writes: export → import_content → export gives byte-identical files."""

import io
import zipfile

from courses.models import Course, Module, Part

# A fixed timestamp makes the same content give the same zip, byte for byte.
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def part_folder(part: Part) -> str:
    return f"{part.order:02d}-{part.slug}"


def module_filename(module: Module) -> str:
    return f"{module.order:02d}-{module.slug}.md"


def course_files(*, course: Course) -> dict[str, str]:
    """Every live file of a course: path inside the content folder → text (two queries)."""
    files = {f"{course.slug}/_course.md": course.source}
    parts = {p.pk: p for p in course.parts.filter(archived_at__isnull=True)}
    for part in parts.values():
        files[f"{course.slug}/{part_folder(part)}/_part.md"] = part.source
    for module in Module.objects.live().filter(course=course, part_id__in=parts).only(
            "slug", "order", "source", "part_id"):
        files[f"{course.slug}/{part_folder(parts[module.part_id])}/{module_filename(module)}"] = module.source
    return dict(sorted(files.items()))


def module_files(*, module: Module) -> dict[str, str]:
    """One module's file, at the path it has in the course folder."""
    return {f"{module.course.slug}/{part_folder(module.part)}/{module_filename(module)}": module.source}


def zip_bytes(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in sorted(files.items()):
            info = zipfile.ZipInfo(path, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()
