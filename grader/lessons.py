"""Build the lesson notebooks of the handout, one per exercise module, with nbformat.

Each notebook opens with the lesson (the module docstring of
``exercises/<module>.py``, which students also read in the stub) and goes on
with cells that import the student's own functions from ``exercises/`` and
explore them on the small data sets of ``course_data.py`` (``grader/data.py``
in this repository): the likelihood of a coin, gradient descent on a line,
the sigmoid curve and the log-likelihood climbing, ROC curves and the
confusion matrix beside scikit-learn's, and the AUC against C on a log axis.

Notebooks are written without outputs and with fixed cell ids, so the same
sources always give the same bytes. ``python -m grader.lessons DIR`` writes
them into DIR.
"""

import ast
import sys
import textwrap
from pathlib import Path

import nbformat
from nbformat import v4

ROOT = Path(__file__).resolve().parent.parent

SETUP = '''\
# Set-up: make the handout's exercises/ and course_data importable; reload edited exercises.
%load_ext autoreload
%autoreload 2
import sys
from pathlib import Path

ROOT = Path.cwd()
while not (ROOT / "exercises").is_dir() and ROOT != ROOT.parent:
    ROOT = ROOT.parent
for folder in (ROOT, ROOT / "lessons"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import matplotlib.pyplot as plt
import numpy as np

import course_data'''


def md(text):
    return ("markdown", textwrap.dedent(text).strip("\n"))


def code(text):
    return ("code", textwrap.dedent(text).strip("\n"))


def lesson_text(module, exercises_dir):
    """The module docstring of ``exercises/<module>.py``: the lesson every stub opens with."""
    source = (Path(exercises_dir) / f"{module}.py").read_text(encoding="utf-8")
    return ast.get_docstring(ast.parse(source)) or ""


def intro(title, module, exercises_dir, functions):
    names = ", ".join(f"`{name}`" for name in functions)
    return [
        md(f"# {title}"),
        md(lesson_text(module, exercises_dir)),
        md(f"""
        ## In this notebook

        You implement {names} in `exercises/{module}.py`; this notebook imports *your* functions and puts
        them to work. A cell that uses a function you have not written yet stops with `NotImplementedError`:
        write it, check it with `pytest tests/test_{module}.py` in a terminal, and run the cell again (your
        edits are picked up without restarting the kernel).
        """),
        code(SETUP),
    ]


def mle_cells(exercises_dir):
    return intro("1. Maximum likelihood, on a coin", "mle", exercises_dir,
                 ["bernoulli_log_likelihood", "bernoulli_mle"]) + [
        code("""
        from exercises.mle import bernoulli_log_likelihood, bernoulli_mle

        y = course_data.coin_flips()
        print("first flips:", y[:20], "  heads:", y.sum(), "of", y.size)
        """),
        md("""
        ## The log-likelihood as a function of p

        With the data fixed, the log-likelihood is a function of `p` alone. Its peak is the maximum
        likelihood estimate, which `bernoulli_mle` should find without searching.
        """),
        code("""
        ps = np.linspace(0.0, 1.0, 201)
        curve = [bernoulli_log_likelihood(p, y) for p in ps]
        p_hat = bernoulli_mle(y)

        fig, ax = plt.subplots(figsize=(6, 3.5))
        ax.plot(ps, curve)
        ax.axvline(p_hat, color="tab:red", linestyle="--", label=f"bernoulli_mle(y) = {p_hat:.2f}")
        ax.set_xlabel("p")
        ax.set_ylabel("log-likelihood")
        ax.set_ylim(-250, 0)
        ax.legend()
        plt.show()
        """),
        md("""
        ## Why we take logs

        The likelihood itself is a product of numbers below 1. A float64 cannot hold anything smaller than
        about 1e-308, so after about 1100 flips the product is exactly 0.0, and its log is `-inf`. Sums of
        logs have no such problem.
        """),
        code("""
        many = np.tile(y, 20)  # 2,000 flips
        print("product of probabilities:", np.prod(np.where(many == 1, 0.5, 0.5)))
        print("your log-likelihood:     ", bernoulli_log_likelihood(0.5, many))
        """),
        md("""
        ## The boundaries

        At `p = 0` a tail is certain: all-tails data has likelihood 1 (log-likelihood 0.0), and a single
        head makes the data impossible (`-inf`). Neither should be `nan`.
        """),
        code("""
        print(bernoulli_log_likelihood(0.0, [0, 0, 0]), bernoulli_log_likelihood(0.0, [0, 1]))
        """),
        md("""
        ## More data, a sharper peak

        Divide the log-likelihood by the number of flips to compare samples of different sizes: the more
        data, the more sharply the data single out `p`.
        """),
        code("""
        fig, ax = plt.subplots(figsize=(6, 3.5))
        for n in (20, 100, 1000):
            flips = course_data.coin_flips(n=n, heads=int(0.55 * n), seed=n)
            inner = ps[1:-1]
            values = np.array([bernoulli_log_likelihood(p, flips) for p in inner])
            ax.plot(inner, np.exp(values - values.max()), label=f"{n} flips")
        ax.set_xlabel("p")
        ax.set_ylabel("likelihood / its maximum")
        ax.legend()
        plt.show()
        """),
        md("""
        ## Questions

        1. Why does the curve go to `-inf` at `p = 0` and `p = 1` for this data?
        2. Set the derivative `y/p - (n - y)/(1 - p)` to zero: do you get `bernoulli_mle`'s answer?
        """),
    ]


def linear_gd_cells(exercises_dir):
    return intro("2. Gradient descent, on a line", "linear_gd", exercises_dir,
                 ["mse", "mse_gradient", "linear_regression_gd"]) + [
        code("""
        from exercises.linear_gd import linear_regression_gd, mse, mse_gradient

        budget, gross = course_data.movies()
        X = budget.reshape(-1, 1)  # one column, no intercept: gross = m * budget
        best = (budget @ gross) / (budget @ budget)  # the exact minimiser, sum(xy) / sum(x^2)
        print(f"{len(gross)} films; the best slope is {best:.4f}")
        """),
        md("""
        ## The cost as a function of the slope

        The MSE of a line through the origin is a parabola in its slope `m`. Gradient descent walks down
        it, *against* the gradient (stepping *with* the gradient would climb).
        """),
        code("""
        slopes = np.linspace(0.0, 2.2, 111)
        costs = [mse(X, gross, [m]) for m in slopes]

        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
        left.scatter(budget, gross, s=12)
        left.plot([0, budget.max()], [0, best * budget.max()], color="tab:red", label=f"m = {best:.3f}")
        left.set_xlabel("budget ($100M)")
        left.set_ylabel("domestic gross ($100M)")
        left.legend()
        right.plot(slopes, costs)
        right.axvline(best, color="tab:red", linestyle="--")
        right.set_xlabel("slope m")
        right.set_ylabel("MSE")
        plt.show()
        """),
        md("""
        ## Your gradient against the slope of your cost

        A central difference `(mse(m + h) - mse(m - h)) / (2h)` approximates the derivative. For a
        parabola it is exact up to rounding, so it must match `mse_gradient` closely.
        """),
        code("""
        h = 1e-4
        for m in (0.0, 0.5, best, 2.0):
            numeric = (mse(X, gross, [m + h]) - mse(X, gross, [m - h])) / (2 * h)
            print(f"m = {m:.3f}: mse_gradient = {mse_gradient(X, gross, [m])[0]: .6f}, slope of mse = {numeric: .6f}")
        """),
        md("""
        ## Learning rates

        Each update multiplies the distance to the minimum by `1 - learning_rate * 2 * mean(x^2)`. Below a
        critical rate the distance shrinks; above it, it grows: the iteration diverges.
        """),
        code("""
        fig, ax = plt.subplots(figsize=(6, 3.5))
        steps = np.arange(0, 31)
        for rate in (0.01, 0.1, 0.45):
            path = [mse(X, gross, linear_regression_gd(X, gross, learning_rate=rate, n_iterations=int(k)))
                    for k in steps]
            ax.plot(steps, path, marker=".", label=f"learning_rate = {rate}")
        ax.axhline(mse(X, gross, [best]), color="gray", linestyle=":", label="minimum")
        ax.set_yscale("log")
        ax.set_xlabel("iterations")
        ax.set_ylabel("MSE")
        ax.legend()
        plt.show()
        """),
        md("""
        ## Questions

        1. Find the critical learning rate from `2 * mean(budget ** 2)`, then try a rate just above it.
        2. The data are in $100M. What learning rate would the same data need in dollars, and why do we
           usually standardize features first?
        """),
    ]


def logistic_cells(exercises_dir):
    return intro("3. Logistic regression from scratch", "logistic", exercises_dir,
                 ["sigmoid", "log_likelihood", "log_likelihood_gradient", "gradient_step", "fit",
                  "predict_proba", "predict", "add_intercept"]) + [
        code("""
        from exercises.logistic import (add_intercept, fit, gradient_step, log_likelihood, predict,
                                        predict_proba, sigmoid)
        """),
        md("""
        ## The sigmoid

        It squashes any real number into (0, 1): 0.5 at 0, close to 1 for large positive `z`, close to 0 for
        large negative `z`, and symmetric: `sigmoid(-z) == 1 - sigmoid(z)`.
        """),
        code("""
        z = np.linspace(-10, 10, 401)
        fig, ax = plt.subplots(figsize=(6, 3.5))
        ax.plot(z, sigmoid(z))
        ax.axhline(0.5, color="gray", linestyle=":")
        ax.axvline(0.0, color="gray", linestyle=":")
        ax.set_xlabel("z")
        ax.set_ylabel("sigmoid(z)")
        plt.show()
        print("extreme values:", sigmoid(np.array([-1e4, -745.0, 0.0, 745.0, 1e4])))
        """),
        md("""
        ## The data

        A screening table: four standardized measurements per patient and whether they have heart disease.
        We keep a quarter of the patients aside to test on, and add an intercept column explicitly.
        """),
        code("""
        X, y, names = course_data.patients()
        X_train, X_test, y_train, y_test = course_data.split(X, y)
        A_train, A_test = add_intercept(X_train), add_intercept(X_test)
        print(A_train.shape, "training rows;", A_test.shape, "test rows; share with disease:", y.mean().round(2))
        """),
        md("""
        ## Climbing the log-likelihood

        Each `gradient_step` moves the weights up the log-likelihood. With a small enough learning rate
        every step climbs; the climb is steep at first and flattens out near the maximum.
        """),
        code("""
        w = np.zeros(A_train.shape[1])
        history = [log_likelihood(A_train, y_train, w)]
        for _ in range(300):
            w = gradient_step(A_train, y_train, w, 0.001)
            history.append(log_likelihood(A_train, y_train, w))

        fig, ax = plt.subplots(figsize=(6, 3.5))
        ax.plot(history)
        ax.set_xlabel("gradient steps")
        ax.set_ylabel("log-likelihood (training data)")
        plt.show()
        """),
        md("""
        ## Your fit beside scikit-learn's

        `fit` takes the steps for you. With `C=np.inf` scikit-learn fits the same model without any
        penalty, so once both have converged the weights agree.
        """),
        code("""
        from sklearn.linear_model import LogisticRegression

        w_fit = fit(A_train, y_train, learning_rate=0.001, n_iterations=3000)
        reference = LogisticRegression(C=np.inf, fit_intercept=False, solver="lbfgs", max_iter=1000)
        reference.fit(A_train, y_train)
        for name, mine, theirs in zip(["intercept"] + names, w_fit, reference.coef_[0]):
            print(f"{name:>15}: yours {mine: .3f}   scikit-learn {theirs: .3f}")
        """),
        md("""
        ## Probabilities and predictions

        `predict_proba` gives each test patient a probability of disease; `predict` turns it into a label at
        a threshold (0.5 unless you say otherwise).
        """),
        code("""
        p = predict_proba(A_test, w_fit)
        fig, ax = plt.subplots(figsize=(6, 3.5))
        ax.hist([p[y_test == 0], p[y_test == 1]], bins=np.linspace(0, 1, 21), label=["no disease", "disease"])
        ax.set_xlabel("predicted probability of disease")
        ax.legend()
        plt.show()
        for threshold in (0.3, 0.5, 0.7):
            print(f"threshold {threshold}: accuracy {(predict(A_test, w_fit, threshold) == y_test).mean():.3f}")
        """),
        md("""
        ## Questions

        1. Try learning rates 0.01 and 0.05 in the climbing cell: what happens, and why?
        2. Why would `np.log(sigmoid(z))` fail for weights ten times larger, when `log_likelihood` must not?
        """),
    ]


def evaluation_cells(exercises_dir):
    return intro("4. Judging a classifier: ROC curves and the confusion matrix", "evaluation", exercises_dir,
                 ["confusion_matrix", "roc_curve", "auc"]) + [
        code("""
        from sklearn import metrics
        from sklearn.linear_model import LogisticRegression

        from exercises.evaluation import auc, confusion_matrix, roc_curve
        from exercises.logistic import add_intercept, fit, predict, predict_proba

        X, y, names = course_data.patients()
        X_train, X_test, y_train, y_test = course_data.split(X, y)
        w = fit(add_intercept(X_train), y_train, learning_rate=0.001, n_iterations=3000)
        p_yours = predict_proba(add_intercept(X_test), w)
        model = LogisticRegression(C=1.0, solver="lbfgs", max_iter=1000).fit(X_train, y_train)
        p_sklearn = model.predict_proba(X_test)[:, 1]
        """),
        md("""
        ## Your ROC curve beside scikit-learn's

        On the left, your `roc_curve` and `auc` on your model's probabilities; on the right,
        scikit-learn's functions on scikit-learn's model. The curves should look alike, and the areas be
        close.
        """),
        code("""
        fpr, tpr, thresholds = roc_curve(y_test, p_yours)
        fpr_sk, tpr_sk, _ = metrics.roc_curve(y_test, p_sklearn, drop_intermediate=False)

        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
        left.plot(fpr, tpr, marker=".")
        left.set_title(f"your model, your functions: AUC = {auc(fpr, tpr):.3f}")
        right.plot(fpr_sk, tpr_sk, marker=".", color="tab:orange")
        right.set_title(f"scikit-learn: AUC = {metrics.roc_auc_score(y_test, p_sklearn):.3f}")
        for ax in (left, right):
            ax.plot([0, 1], [0, 1], color="gray", linestyle=":")
            ax.set_xlabel("false positive rate")
        left.set_ylabel("true positive rate")
        plt.show()
        """),
        md("""
        ## The confusion matrix at threshold 0.5

        Rows are the true class, columns the predicted class, class 0 first: `[[TN, FP], [FN, TP]]`, the
        same layout as scikit-learn's.
        """),
        code("""
        matrix = confusion_matrix(y_test, predict(add_intercept(X_test), w))

        fig, ax = plt.subplots(figsize=(4, 4))
        ax.imshow(matrix, cmap="Blues")
        for (row, column), count in np.ndenumerate(matrix):
            color = "white" if count > matrix.max() / 2 else "black"
            ax.text(column, row, str(count), ha="center", va="center", fontsize=16, color=color)
        ax.set_xticks([0, 1], labels=["predicted 0", "predicted 1"])
        ax.set_yticks([0, 1], labels=["true 0", "true 1"])
        plt.show()
        print("scikit-learn's:", metrics.confusion_matrix(y_test, predict(add_intercept(X_test), w)).tolist())
        """),
        md("""
        ## From the matrix to one point of the curve

        The true positive rate is `TP / (TP + FN)`, the false positive rate `FP / (FP + TN)` (not
        `FP / (TP + FP)`, which is the false discovery rate). Together they are the ROC point of threshold
        0.5.
        """),
        code("""
        (tn, fp), (fn, tp) = matrix
        print(f"TPR = {tp / (tp + fn):.3f}, FPR = {fp / (fp + tn):.3f}")
        """),
        md("""
        ## A pitfall: scores from hard labels

        An ROC curve needs *scores*. Feeding it the 0/1 output of `predict` leaves a single threshold in the
        middle: a three-point curve and a smaller area.
        """),
        code("""
        hard = predict(add_intercept(X_test), w)
        fpr_h, tpr_h, _ = roc_curve(y_test, hard)
        fig, ax = plt.subplots(figsize=(5, 4))
        ax.plot(fpr, tpr, label=f"probabilities: AUC = {auc(fpr, tpr):.3f}")
        ax.plot(fpr_h, tpr_h, marker="o", label=f"hard labels: AUC = {auc(fpr_h, tpr_h):.3f}")
        ax.set_xlabel("false positive rate")
        ax.set_ylabel("true positive rate")
        ax.legend()
        plt.show()
        """),
    ]


def sklearn_models_cells(exercises_dir):
    return intro("5. scikit-learn's model, and what C does", "sklearn_models", exercises_dir,
                 ["sklearn_predict_proba", "auc_by_C"]) + [
        code("""
        from exercises.sklearn_models import auc_by_C, sklearn_predict_proba

        # Few patients, many columns: four informative, thirty of pure noise.
        X, y, names = course_data.patients(n=200, n_noise=30)
        X_train, X_test, y_train, y_test = course_data.split(X, y, test_size=0.6)
        p = sklearn_predict_proba(X_train, y_train, X_test, C=1.0)
        print(len(y_train), "training rows,", X.shape[1], "columns; first test probabilities:", p[:5].round(3))
        """),
        md("""
        ## The AUC against C

        A small `C` is strong regularization: the weights are pulled towards 0. A large `C` lets the model
        fit the training data, noise included. Scoring each model on the training data and on the test data
        shows the gap between them grow with `C`: overfitting.
        """),
        code("""
        Cs = 1.5 ** np.arange(-12, 13)
        test = auc_by_C(X_train, y_train, X_test, y_test, Cs)
        train = auc_by_C(X_train, y_train, X_train, y_train, Cs)

        fig, ax = plt.subplots(figsize=(6, 3.5))
        ax.plot(Cs, [train[C] for C in Cs], marker=".", label="training data")
        ax.plot(Cs, [test[C] for C in Cs], marker=".", label="test data")
        ax.set_xscale("log")
        ax.set_xlabel("C (log scale)")
        ax.set_ylabel("AUC")
        ax.legend()
        plt.show()
        best = max(test, key=test.get)
        print(f"best test AUC {test[best]:.3f} at C = {best:.3g}")
        """),
        md("""
        ## Questions

        1. Why must `auc_by_C` never look at the test labels while fitting?
        2. Rerun with `n_noise=0`: does C still matter as much? Why?
        """),
    ]


LESSONS = (
    ("01_mle.ipynb", mle_cells),
    ("02_linear_gd.ipynb", linear_gd_cells),
    ("03_logistic.ipynb", logistic_cells),
    ("04_evaluation.ipynb", evaluation_cells),
    ("05_sklearn_models.ipynb", sklearn_models_cells),
)


def notebook(cells, stem):
    """A validated nbformat v4 notebook with deterministic cell ids and no outputs."""
    nb = v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for number, (kind, source) in enumerate(cells):
        cell = v4.new_markdown_cell(source) if kind == "markdown" else v4.new_code_cell(source)
        cell.id = f"{stem.replace('_', '-')}-{number:02d}"
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def build_notebooks(folder, exercises_dir=ROOT / "exercises"):
    """Write every lesson notebook into ``folder``; return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for filename, cells in LESSONS:
        path = folder / filename
        nbformat.write(notebook(cells(exercises_dir), path.stem), str(path))
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in build_notebooks(sys.argv[1] if len(sys.argv) > 1 else "lessons"):
        print(written)
