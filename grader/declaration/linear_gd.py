"""Declaration of the ``linear_gd`` exercises (being written)."""

EXERCISES = ()
