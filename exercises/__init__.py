"""Your logistic-regression exercises: fill in each module."""
