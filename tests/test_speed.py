"""The speed-ups change nothing but the time: batches (streamed or not, decoded by the zygote or not),
locked answers, shared shrinking, the example cache.

Each is compared with grading without it, on submissions that exercise it:
stand-ins called in loops (fit, linear_regression_gd), properties that make
calls of their own (duplicated rows, shuffled samples), failures that are
shrunk, a timeout in the middle of a batch. The golden files
(tests/golden/) pin the verdicts of the whole corpus and example class.
"""

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import strategies as st

from corpus_harness import CORPUS, build
from grader import answers, batches, checks, example_cache, protocol, references, sandbox, shrinking
from grader.engine import Limits, grade_path
from grader.engine import _stand_ins as stand_ins_of
from test_engine import GOOD_MLE

ROOT = Path(__file__).resolve().parent.parent

SUBMISSIONS = [  # (corpus file or None for the references, the function graded)
    (None, "fit"),
    ("logistic/fit__off_by_one.py", "fit"),
    ("logistic/fit__mutates_input.py", "fit"),
    ("linear_gd/linear_regression_gd__plus_instead_of_minus.py", "linear_regression_gd"),
    ("linear_gd/mse__sum_instead_of_mean.py", "mse"),
    ("evaluation/roc_curve__ties_split.py", "roc_curve"),
    ("logistic/log_likelihood__exp_overflow.py", "log_likelihood"),
    ("logistic/predict_proba__sign_error.py", "predict_proba"),
    ("sklearn_models/auc_by_C__scored_on_training.py", "auc_by_C"),
]


def grade_json(path, function, **options):
    grade = grade_path(path, "student", only={function}, **options)
    data = grade.to_dict()
    data.pop("confinement")
    return json.dumps(data, sort_keys=True)


@pytest.fixture(scope="module")
def submissions(tmp_path_factory):
    built = []
    for corpus_file, function in SUBMISSIONS:
        if corpus_file is None:
            built.append((ROOT / "solutions", function))
        else:
            built.append((build(CORPUS / "mistakes" / corpus_file, tmp_path_factory.mktemp("sub")), function))
    return built


def test_grades_are_the_same_without_any_speed_up(submissions, monkeypatch):
    fast = [grade_json(path, function) for path, function in submissions]
    again = [grade_json(path, function) for path, function in submissions]  # plans and trees now in use
    streamed = [grade_json(path, function, stream=True) for path, function in submissions]
    # Bulk grading's way: the zygote decodes the batches packed so far, so the second time round (every
    # function's batches packed by then) each child gets them decoded, and takes them once.
    preloaded = [[grade_json(path, function, stream=True, preload=True) for path, function in submissions]
                 for _ in range(2)]
    assert sandbox.Launcher().zygote().preloaded, "no batch was decoded by the zygote"
    monkeypatch.setattr(batches, "ENABLED", False)
    monkeypatch.setattr(shrinking, "SHARED", False)
    monkeypatch.setattr(answers, "table_cached", lambda *args, **kwargs: None)
    slow = [grade_json(path, function) for path, function in submissions]
    assert fast == slow
    assert again == slow
    assert streamed == slow
    assert preloaded == [slow, slow]


# an endless loop on some inputs only: in the middle of a batch
TIMES_OUT_ON_LONG_INPUTS = GOOD_MLE.replace("    return float(y.mean())",
                                            "    while y.size > 6:\n        pass\n    return float(y.mean())")


def test_a_timeout_in_the_middle_of_a_batch_is_that_calls(tmp_path, monkeypatch):
    path = tmp_path / "mle.py"
    path.write_text(TIMES_OUT_ON_LONG_INPUTS)
    limits = Limits(call=1.0)
    batched = grade_path(path, "student", only={"bernoulli_log_likelihood", "bernoulli_mle"}, limits=limits)
    functions = {f.name: f for f in batched.functions}
    assert functions["bernoulli_mle"].status == "timed out"
    assert "The call: bernoulli_mle(" in functions["bernoulli_mle"].detail
    assert functions["bernoulli_log_likelihood"].status == "passed"
    streamed = grade_path(path, "student", only={"bernoulli_log_likelihood", "bernoulli_mle"}, limits=limits,
                          stream=True)
    monkeypatch.setattr(batches, "ENABLED", False)
    alone = grade_path(path, "student", only={"bernoulli_log_likelihood", "bernoulli_mle"}, limits=limits)
    assert alone.to_dict() == batched.to_dict() == streamed.to_dict()


# the process ends (or hangs) in its fifth call, after four whose results a streamed batch still holds
EXITS_IN_THE_FIFTH_CALL = GOOD_MLE.replace("    return float(y.mean())",
                                           "    CALLS.append(1)\n    if len(CALLS) == 5:\n        import os\n"
                                           "        os._exit(3)\n    return float(y.mean())") + "\nCALLS = []\n"


@pytest.mark.parametrize("ending, status", [("import os\n        os._exit(3)", "crashed"),
                                            ("while True:\n            pass", "timed out")])
def test_a_crash_or_hang_in_the_middle_of_a_streamed_batch_is_that_calls(tmp_path, monkeypatch, ending, status):
    path = tmp_path / "mle.py"
    path.write_text(EXITS_IN_THE_FIFTH_CALL.replace("import os\n        os._exit(3)", ending))
    limits = Limits(call=1.0)
    streamed = grade_path(path, "student", only={"bernoulli_mle"}, stream=True, limits=limits)
    (result,) = streamed.functions
    assert result.status == status and "The call: bernoulli_mle(" in result.detail
    monkeypatch.setattr(batches, "ENABLED", False)
    assert grade_path(path, "student", only={"bernoulli_mle"}, limits=limits).to_dict() == streamed.to_dict()


def test_a_streamed_batch_holds_results_back_and_sends_them_in_time(monkeypatch):
    import io

    from grader import child

    clock = [100.0]
    monkeypatch.setattr(child.time, "monotonic", lambda: clock[0])
    sent = io.BytesIO()
    server = child.Server(io.BytesIO(), io.BufferedWriter(sent, buffer_size=1 << 16))
    server.streaming = True
    server.send({"op": "result", "id": 1, "value": 1.0})
    clock[0] += child.HOLD_SECONDS / 2
    server.send({"op": "result", "id": 2, "value": 2.0})
    assert sent.getvalue() == b""  # held
    clock[0] += child.HOLD_SECONDS / 2
    server.send({"op": "result", "id": 3, "value": 3.0})
    assert sent.getvalue().count(protocol.MAGIC) == 3  # the first has waited long enough: all go
    server.send({"op": "result", "id": 4, "value": 4.0})
    server.send({"op": "oracle", "id": 1, "target": "logistic.sigmoid", "args": [], "kwargs": {}})
    assert sent.getvalue().count(protocol.MAGIC) == 5  # a question for the grader sends what is held first
    server.streaming = False
    server.send({"op": "result", "id": 5, "value": 5.0})
    assert sent.getvalue().count(protocol.MAGIC) == 6  # outside a streamed batch: at once


# --------------------------------------------------------------------------
# Locked answers
# --------------------------------------------------------------------------


def fit_table(X, y, learning_rate, n_iterations):
    from grader.declaration import EXERCISES

    fit = next(e for e in EXERCISES if e.name == "fit")

    class Unit:
        module_name, provides = "logistic", ("logistic",)

    class Submission:
        units = [Unit()]

    stand_ins = tuple(map(tuple, stand_ins_of(fit, Submission())))
    return answers.table_for(references.function, "fit", stand_ins, (X, y, learning_rate, n_iterations), {})


def test_an_answer_opens_only_with_its_own_arguments():
    from grader.child import _AnswerTable

    X = np.array([[1.0, 0.5], [1.0, -1.5], [1.0, 2.0]])
    y = np.array([0, 1, 1])
    table = fit_table(X, y, 0.1, 5)
    assert table["ids"].shape == (5, 16)  # one answer per step
    parameters = ["X", "y", "w", "learning_rate"]
    step = references.function("logistic.gradient_step")
    opened = _AnswerTable.of(protocol.unpack_frame(protocol.pack({"op": "t", "value": table}))["value"])
    w = np.zeros(2)
    for _ in range(5):  # asking each question in turn opens each answer, and only that
        found, value = opened.find("logistic.gradient_step", parameters, (X, y, w, 0.1), {})
        assert found and np.array_equal(value, step(X, y, w, 0.1))
        assert not opened.find("logistic.gradient_step", parameters, (X, y, w + 1e-12, 0.1), {})[0]
        assert not opened.find("logistic.sigmoid", ["z"], (w,), {})[0]
        w = value
    final = references.function("logistic.fit")(X, y, 0.1, 5)
    assert np.array_equal(w, final)
    sealed = table["data"].tobytes()
    assert final.tobytes() not in sealed and step(X, y, np.zeros(2), 0.1).tobytes() not in sealed


def test_keyword_and_positional_calls_open_the_same_answer():
    from grader.child import _AnswerTable

    X, y = np.array([[1.0, 2.0], [1.0, -1.0]]), np.array([1, 0])
    opened = _AnswerTable.of(protocol.unpack_frame(protocol.pack({"op": "t", "value": fit_table(X, y, 0.5, 1)}))
                             ["value"])
    parameters = ["X", "y", "w", "learning_rate"]
    w = np.zeros(2)
    assert opened.find("logistic.gradient_step", parameters, (X, y, w, 0.5), {})[0]
    assert opened.find("logistic.gradient_step", parameters, (X, y), {"learning_rate": 0.5, "w": w})[0]
    assert not opened.find("logistic.gradient_step", parameters, (X, y, w), {"rate": 0.5})[0]


# --------------------------------------------------------------------------
# Shared shrinking
# --------------------------------------------------------------------------


def toy_check():
    def prop(function, example):
        if function(example):
            raise checks.Mismatch(example, "too big")

    return checks.holds("toy", points=1, strategy=st.lists(st.integers(0, 1000), min_size=1), prop=prop,
                        hint="", name="toy")


def run(check, threshold):
    return checks.run_check(check, lambda xs: sum(xs) > threshold, "toy.function")


@pytest.mark.parametrize("order", [(50, 400, 50, 3, 400, 999), (999, 3, 400, 50, 3, 50)])
def test_a_shared_search_finds_what_a_fresh_one_finds(order, monkeypatch):
    check = toy_check()
    searches = []
    original = shrinking.find
    monkeypatch.setattr(shrinking, "find", lambda *a, **k: searches.append(1) or original(*a, **k))
    shared = [run(check, t) for t in order]
    monkeypatch.setattr(shrinking, "SHARED", False)
    fresh = [run(check, t) for t in order]
    assert [(f and f.example) for f in shared] == [(f and f.example) for f in fresh]
    shared_searches = len(searches) - sum(f is not None for f in fresh)
    assert shared_searches <= len(set(order)) < sum(f is not None for f in fresh)  # once per behaviour


def test_a_search_stops_after_its_tries_with_a_real_failure(monkeypatch):
    monkeypatch.setattr(shrinking, "MAX_TRIES", 5)
    failure = run(toy_check(), 10)
    assert failure is not None and sum(failure.example) > 10


# --------------------------------------------------------------------------
# The example cache
# --------------------------------------------------------------------------


def test_examples_come_back_from_the_cache_exactly(tmp_path, monkeypatch):
    from grader.declaration import EXERCISES

    exercises = [e for e in EXERCISES if e.module == "evaluation"]
    monkeypatch.setenv("LRG_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(example_cache, "_PREPARED", set())
    drawn = {(e.target, c.name): protocol.pack({"op": "x", "v": [example_cache._as_data(x) for x in
                                                                  checks.generated_examples(c, checks.check_seed(
                                                                      e.target, c.name))]})
             for e in exercises for c in e.checks if c.strategy is not None}
    monkeypatch.setattr(checks, "_GENERATED", {})
    example_cache.prepare(exercises)  # draws, saves
    files = list(tmp_path.glob("examples-*.lrg"))
    assert len(files) == 1
    monkeypatch.setattr(checks, "_GENERATED", {})
    monkeypatch.setattr(example_cache, "_PREPARED", set())
    assert example_cache.prepare(exercises) == len(drawn)  # all read back
    for e in exercises:
        for c in e.checks:
            if c.strategy is not None:
                again = checks.generated_examples(c, checks.check_seed(e.target, c.name))
                assert protocol.pack({"op": "x", "v": [example_cache._as_data(x) for x in again]}) == \
                    drawn[(e.target, c.name)]
    files[0].write_bytes(b"LRG1 damaged")
    monkeypatch.setattr(checks, "_GENERATED", {})
    monkeypatch.setattr(example_cache, "_PREPARED", set())
    assert example_cache.prepare(exercises) == 0  # a damaged file is drawn again, and rewritten
    assert example_cache.read_table(files[0])


def test_the_cache_can_be_off_or_unwritable(tmp_path, monkeypatch):
    from grader.declaration import EXERCISES

    exercises = [e for e in EXERCISES if e.name == "bernoulli_mle"]
    monkeypatch.setenv("LRG_CACHE_DIR", "off")
    assert example_cache.cache_folder() is None
    monkeypatch.setattr(example_cache, "_PREPARED", set())
    monkeypatch.setattr(checks, "_GENERATED", {})
    assert example_cache.prepare(exercises) == 0
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("LRG_CACHE_DIR", str(blocked / "cache"))
    monkeypatch.setattr(example_cache, "_PREPARED", set())
    monkeypatch.setattr(checks, "_GENERATED", {})
    assert example_cache.prepare(exercises) == 0  # no error: drawn instead


LIBRARY_RUN = """
import json, sys
sys.path.insert(0, {root!r})
from grader import library_cache, public
from grader.engine import grade_path
grade = grade_path({path!r}, "x", exercises=public.EXERCISES)
library_cache.save()
print(json.dumps([library_cache.computed(),
                  [(f.name, f.status, f.points, [x.reason for x in f.failures]) for f in grade.functions]]))
"""


@pytest.mark.parametrize("mistake", [None, "evaluation/roc_curve__fixed_grid.py"])
def test_public_checks_read_library_answers_back_and_see_the_same(tmp_path, mistake):
    """A second run reads scikit-learn's answers from the cache, asks scikit-learn nothing, and grades the same."""
    import os
    import subprocess
    import sys

    path = ROOT / "solutions" if mistake is None else build(CORPUS / "mistakes" / mistake, tmp_path / "submission")
    env = dict(os.environ, LRG_CACHE_DIR=str(tmp_path / "cache"))
    runs = []
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", LIBRARY_RUN.format(root=str(ROOT), path=str(path))],
                              env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    assert list((tmp_path / "cache").glob("library-*.lrg"))
    first, second = runs
    assert first[1] == second[1]  # the same verdicts, failures and messages
    assert first[0] > 0 and second[0] == 0  # the warm run asked scikit-learn nothing


def test_library_answers_are_the_values_computed():
    """What a remembered oracle hands back equals the function's own value (types and dtypes too)."""
    import numpy as np

    from grader import library_cache

    def pair(a, b):
        return (np.asarray(a, dtype=float) * 2, int(len(b)), [1.5, None])

    oracle = library_cache.remembered(pair)
    for args in (([1.0, 2.0], [0, 1]), (np.arange(3.0), np.zeros(2, dtype=np.int64))):
        expected = pair(*args)
        for _ in range(2):
            got = oracle(*args)
            assert type(got) is tuple and type(got[1]) is int and got[2] == expected[2]
            assert got[0].dtype == expected[0].dtype and np.array_equal(got[0], expected[0])
    mark = object()
    assert library_cache.remembered(lambda value: value)(mark) is mark  # not plain data: computed, not kept


def test_a_damaged_library_answer_is_computed_again(tmp_path, monkeypatch):
    """An entry that does not unpack is dropped and computed afresh, never handed to a check."""
    from grader import library_cache

    monkeypatch.setenv("LRG_CACHE_DIR", str(tmp_path))
    library_cache.forget()
    calls = []

    def double(x):
        calls.append(x)
        return 2.0 * x

    oracle = library_cache.remembered(double)
    try:
        assert oracle(1.5) == 3.0 and calls == [1.5]
        library_cache.save()
        path = library_cache.file_path()
        table = example_cache.read_table(path)
        assert len(table) == 1
        example_cache.write_table(path, {key: b"LRG1 damaged" for key in table})
        library_cache.forget()
        assert oracle(1.5) == 3.0 and calls == [1.5, 1.5]
        library_cache.forget()
        library_cache.save()  # nothing new: nothing written
        assert example_cache.read_table(path) == {key: b"LRG1 damaged" for key in table}
    finally:
        library_cache.forget()


def test_an_oracle_value_is_computed_once_per_example_and_handed_out_as_a_copy():
    calls = []

    def oracle(x):
        calls.append(x)
        return np.asarray(x, dtype=float) * 2

    example = checks.Example(([1, 2, 3],))
    first = checks.expected_value(oracle, example)
    first[0] = 99.0  # the caller's own copy
    second = checks.expected_value(oracle, example)
    assert np.array_equal(second, [2.0, 4.0, 6.0]) and len(calls) == 1
    checks.expected_value(oracle, checks.Example(([1, 2, 3],)))  # an equal example, another object
    assert len(calls) == 2


def test_the_benchs_timing_child_counts_the_students_own_calls_and_changes_no_grade(tmp_path, monkeypatch):
    """``LRG_CHILD_TIMES`` (bench/bench_speed.py's floor): CPU seconds per student function, the grade as without."""
    plain = grade_json(ROOT / "solutions", "fit")
    times_file = tmp_path / "times.jsonl"
    monkeypatch.setenv("LRG_CHILD_TIMES", str(times_file))
    timed = grade_json(ROOT / "solutions", "fit")
    assert timed == plain
    children = [json.loads(line) for line in times_file.read_text().splitlines()]
    assert children and set(children[0]["functions"]) == {"fit"}
    own = children[0]["functions"]["fit"]
    assert 0 < own <= children[0]["cpu"]
