"""Declaration of the ``evaluation`` exercises (being written)."""

EXERCISES = ()
