"""The exercise contract as data: modules, functions and their parameters, in order.

This mirrors ``exercises.md`` (fixed): every part of the grader that needs to
know which functions exist, where, and what their arguments are called reads
it from here. It holds no answers, so it also ships in the student handout.
"""

MODULES = ("mle", "linear_gd", "logistic", "evaluation", "sklearn_models")

FUNCTIONS = (
    ("mle", "bernoulli_log_likelihood", ("p", "y")),
    ("mle", "bernoulli_mle", ("y",)),
    ("linear_gd", "mse", ("X", "y", "w")),
    ("linear_gd", "mse_gradient", ("X", "y", "w")),
    ("linear_gd", "linear_regression_gd", ("X", "y", "learning_rate", "n_iterations", "initial_weights")),
    ("logistic", "sigmoid", ("z",)),
    ("logistic", "log_likelihood", ("X", "y", "w")),
    ("logistic", "log_likelihood_gradient", ("X", "y", "w")),
    ("logistic", "gradient_step", ("X", "y", "w", "learning_rate")),
    ("logistic", "fit", ("X", "y", "learning_rate", "n_iterations", "initial_weights")),
    ("logistic", "predict_proba", ("X", "w")),
    ("logistic", "predict", ("X", "w", "threshold")),
    ("logistic", "add_intercept", ("X",)),
    ("evaluation", "confusion_matrix", ("y_true", "y_pred")),
    ("evaluation", "roc_curve", ("y_true", "y_score")),
    ("evaluation", "auc", ("fpr", "tpr")),
    ("sklearn_models", "sklearn_predict_proba", ("X_train", "y_train", "X_test", "C")),
    ("sklearn_models", "auc_by_C", ("X_train", "y_train", "X_test", "y_test", "Cs")),
)

FUNCTION_NAMES = tuple(name for _, name, _ in FUNCTIONS)


def parameters(name):
    """The parameter names of a contract function, in order."""
    for _, function, params in FUNCTIONS:
        if function == name:
            return params
    raise KeyError(name)


def module_of(name):
    """The module a contract function belongs to."""
    for module, function, _ in FUNCTIONS:
        if function == name:
            return module
    raise KeyError(name)
