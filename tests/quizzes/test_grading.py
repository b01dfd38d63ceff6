import pytest

from quizzes.grading import AnswerKey, InvalidResponse, grade, normalise_text

SINGLE = AnswerKey("s", "single", {}, frozenset("abc"), frozenset("b"))
MULTI = AnswerKey("m", "multiple", {}, frozenset("abc"), frozenset("ac"))
TF = AnswerKey("t", "truefalse", {"value": False})
NUM = AnswerKey("n", "numeric", {"value": "190", "tolerance": "0.5", "unit": "%"})
TEXT = AnswerKey("x", "text", {"accepted": ["北极星指标", "North Star"]})
KEYS = [SINGLE, MULTI, TF, NUM, TEXT]


def test_all_right_scores_100_and_each_outcome_is_right():
    score, outcomes = grade(KEYS, {"s": "b", "m": ["c", "a"], "t": "false", "n": "190.4",
                                   "x": "  north-star "})
    assert score == 100
    assert all(o.correct for o in outcomes)


def test_partial_multiple_choice_is_wrong_and_unanswered_counts_as_wrong():
    score, outcomes = grade(KEYS, {"s": "b", "m": ["a"], "t": "false"})
    assert score == 40
    assert [o.correct for o in outcomes] == [True, False, True, False, False]


@pytest.mark.parametrize(("given", "right"), [("189.5", True), ("190.6", False), ("１９０", True),
                                               ("190%", True), ("1,900", False)])
def test_numeric_tolerance_and_width(given, right):
    _, (outcome,) = grade([NUM], {"n": given})
    assert outcome.correct is right


def test_text_answers_ignore_case_width_spaces_and_punctuation():
    assert normalise_text("ＮＯＲＴＨ　star！") == normalise_text("north star")
    _, (outcome,) = grade([TEXT], {"x": "北极星 指标。"})
    assert outcome.correct


@pytest.mark.parametrize(
    ("key", "raw"),
    [(SINGLE, "z"), (SINGLE, ["a"]), (MULTI, ["a", "z"]), (MULTI, [1]), (TF, "maybe"),
     (NUM, "many"), (NUM, 5), (TEXT, "x" * 501)],
)
def test_tampered_responses_are_refused(key, raw):
    with pytest.raises(InvalidResponse):
        grade([key], {key.key: raw})
