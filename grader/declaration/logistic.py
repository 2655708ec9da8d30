"""Declaration of the ``logistic`` exercises (being written)."""

EXERCISES = ()
