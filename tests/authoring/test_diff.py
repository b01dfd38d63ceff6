from courses.authoring.diff import diff_stats, line_diff


def test_diff_shows_changes_with_context_and_gaps():
    old = "\n".join(f"line {i}" for i in range(1, 21))
    new = old.replace("line 2\n", "line 2 changed\n").replace("line 18", "line 18 changed")
    diff = line_diff(old, new)
    kinds = [d.kind for d in diff]
    assert kinds.count("gap") == 1 and kinds[0] == "same" and diff_stats(diff) == (2, 2)
    assert next(d for d in diff if d.kind == "add").new == 2
    assert line_diff(old, old) == []
