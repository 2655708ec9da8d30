"""Declaration of the ``sklearn_models`` exercises (being written)."""

EXERCISES = ()
