"""The benchmark's table: every measure, its ratio to the floor it is compared with, the target."""

import json
from pathlib import Path

from bench.learner_day import STEPS


def _ok(condition: bool) -> str:
    return "yes" if condition else "NO"


def _row(name: str, result: dict, queries="", ratio: str = "", note: str = "", target: str = "",
         met: str = "") -> list[str]:
    rps = f"{result['rps']:.0f}" if "rps" in result else ""
    p50 = f"{result['p50_ms']:.1f}" if "p50_ms" in result else ""
    p99 = f"{result['p99_ms']:.1f}" if "p99_ms" in result else ""
    if result.get("errors"):
        note = f"{note}; {result['errors']} errors".lstrip("; ")
    return [name, rps, p50, p99, str(queries), ratio, note, target, met]


def table(rows: list[list[str]]) -> str:
    header = ["measure", "req/s", "p50 ms", "p99 ms", "SQL/req", "ratio", "other", "target", "met"]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True))  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def _page_rows(results: dict, queries: dict) -> list[list[str]]:
    floor = results["framework_floor"]
    ratio = lambda name: results[name]["rps"] / floor["rps"]  # noqa: E731
    first = results["module_page_rendered"]
    return [
        _row("framework floor (wrk)", floor, queries["framework_floor"], "1.00"),
        _row("module page, first view", first, queries["module_page_rendered"], f"{ratio('module_page_rendered'):.2f}",
             first["pages"], "≥ 0.4 × floor, p99 < 50 ms",
             _ok(ratio("module_page_rendered") >= 0.4 and first["p99_ms"] < 50)),
        _row("module page, seen again", results["module_page"], queries["module_page"],
             f"{ratio('module_page'):.2f}"),
        _row("heartbeat", results["heartbeat"], queries["heartbeat"], f"{ratio('heartbeat'):.2f}", "",
             "≥ 0.8 × floor", _ok(ratio("heartbeat") >= 0.8)),
        _row("course outline", results["course_outline"], queries["course_outline"],
             f"{ratio('course_outline'):.2f}", "", "≥ 0.4 × floor", _ok(ratio("course_outline") >= 0.4)),
        _row("learner dashboard", results["dashboard"], queries["dashboard"], f"{ratio('dashboard'):.2f}", "",
             "≥ 0.4 × floor", _ok(ratio("dashboard") >= 0.4)),
        _row("HR report (10,000 learners)", results["hr_report"], queries["hr_report"],
             f"{ratio('hr_report'):.2f}", "", "p99 < 150 ms", _ok(results["hr_report"]["p99_ms"] < 150)),
    ]


def _client_rows(results: dict, queries: dict) -> list[list[str]]:
    day, quiz = results["learner_day"], results["quiz_submit"]
    floor = day["floor"]
    rows = [
        _row("floor, same client as the learner day", floor, queries["framework_floor"], "1.00"),
        _row("learner day (mixed)", day, "", f"{day['rps'] / floor['rps']:.2f}",
             f"{day['learners']} learners, {day['requests']} requests, {day['errors']} errors",
             "≥ 0.5 × floor", _ok(day["rps"] / floor["rps"] >= 0.5)),
    ]
    for step in dict.fromkeys(STEPS):
        rows.append(_row(f"  · {step}", day["steps"][step], note=f"{day['steps'][step]['requests']} requests"))
    rows.append(_row("quiz submission (prepared forms)", quiz, queries["quiz_submit"],
                     f"{quiz['rps'] / floor['rps']:.2f}", "", "≥ 0.3 × floor, ≤ 12 queries",
                     _ok(quiz["rps"] / floor["rps"] >= 0.3 and queries["quiz_submit"] <= 12)))
    return rows


def _other_rows(results: dict, seed_seconds: float | None, learners: int) -> list[list[str]]:
    export, copy = results["csv_export"], results["copy_floor"]
    export_ratio = export["rows_per_s"] / copy["rows_per_s"]
    dispatcher, delivery, weight = results["dispatcher"], results["delivery"], results["page_weight"]
    rows = [
        _row("CSV export, full matrix", {}, "", f"{export_ratio:.2f}",
             f"{export['rows_per_s']:.0f} rows/s, RSS +{export['rss_growth_mb']:.1f} MB",
             "≥ 0.5 × COPY, RSS < 50 MB", _ok(export_ratio >= 0.5 and export["rss_growth_mb"] < 50)),
        _row("database floor (COPY)", {}, "", "1.00", f"{copy['rows_per_s']:.0f} rows/s ({copy['rows']} rows)"),
        _row("reminder dispatcher", {}, "", "",
             f"{dispatcher['seconds']:.2f} s for {dispatcher['enrollments']} enrolments at {dispatcher['at'][:16]}, "
             f"{dispatcher['queued']} queued", "< 5 s", _ok(dispatcher["seconds"] < 5)),
        _row("reminder delivery (Celery → SMTP)", {}, "", "",
             f"{delivery['per_s']:.0f} emails/s ({delivery['delivered']} of {delivery['expected']} queued delivered, "
             f"the rest skipped at send time)", "≥ 100 emails/s", _ok(delivery["per_s"] >= 100)),
        _row("module page weight", {}, "", "", f"{weight['kb']:.1f} KB in {weight['requests']} requests",
             "< 150 KB", _ok(weight["kb"] < 150)),
    ]
    if "directory_sync" in results:
        sync = results["directory_sync"]
        rows.append(_row("directory sync (WeCom)", {}, "", "",
                         f"{sync['full_seconds']:.1f} s for {sync['created']} people in {sync['departments']} "
                         f"departments ({sync['requests']} requests); again: {sync['second_changes']} changes in "
                         f"{sync['second_seconds']:.1f} s",
                         "< 60 s; second run changes nothing; mass deactivation held",
                         _ok(sync["full_seconds"] < 60 and sync["second_changes"] == 0
                             and sync["mass_deactivation_held"])))
    for channel, run in results.get("channels", {}).items():
        paced = f", {run['per_platform_minute']} a platform minute" if run["per_platform_minute"] else ""
        rows.append(_row(f"reminders on {channel} (stand-in)", {}, "", "",
                         f"{run['per_s']:.0f} messages/s ({run['sent']} of {run['recipients']} in "
                         f"{run['requests']} requests{paced})", "all sent, within the platform's limits",
                         _ok(run["sent"] == run["recipients"])))
    if "search" in results:
        search = results["search"]
        rows.append(_row("search, p99 over the whole course", search, search["queries"], "", "in process",
                         "p99 < 30 ms", _ok(search["p99_ms"] < 30)))
    if "timed_exam" in results:
        rows.extend(_exam_rows(results["timed_exam"]))
    if seed_seconds is not None:
        rows.append(_row("seed_demo", {}, "", "", f"{seed_seconds:.1f} s for {learners} learners", "< 60 s",
                         _ok(seed_seconds < 60)))
    return rows


def _exam_rows(exam: dict) -> list[list[str]]:
    ok = (exam["errors"] == 0 and exam["start_seconds"] <= 60 and exam["graded"] == exam["learners"]
          and exam["graded_at_deadline"] == 0)
    rows = [_row("timed exam (edited while running)", {"errors": exam["errors"]}, "", "",
                 f"{exam['learners']} learners started in {exam['start_seconds']:.0f} s; {exam['graded']} graded "
                 f"({exam['full_marks']} full marks, {exam['graded_at_deadline']} by the deadline)",
                 "starts ≤ 60 s, no errors, all graded once", _ok(ok))]
    for step, numbers in exam["steps"].items():
        rows.append(_row(f"  · {step}", numbers, note=f"{numbers['requests']} requests"))
    return rows


def write(results: dict, queries: dict, seed_seconds: float | None, *, learners: int, seconds: int,
          target: Path) -> None:
    rows = [*_page_rows(results, queries), *_client_rows(results, queries),
            *_other_rows(results, seed_seconds, learners)]
    print()
    print(table(rows))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"learners": learners, "seconds_per_run": seconds, "seed_seconds": seed_seconds,
                                  "queries": queries, "results": results, "table": rows}, indent=2,
                                 ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print(f"\nwritten to {target}")
