"""Test-suite configuration: the one place Hypothesis is configured for our own tests."""

import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # solutions/ and exercises/ live beside grader/
    sys.path.insert(0, str(ROOT))

# Derandomized and database-free: the same run on every machine, nothing
# written to .hypothesis/. No deadline, so a busy CI machine cannot fail a test.
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci")

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:  # corpus_harness and other test helpers
    sys.path.insert(0, str(TESTS))
