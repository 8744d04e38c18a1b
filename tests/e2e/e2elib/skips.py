"""Skipping for a missing capability, except under CI where it must fail."""
import os

import pytest


def in_ci():
    return os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason):
    """Skips with reason; under CI=true a missing capability is a failure."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: not skipping)", pytrace=False)
    pytest.skip(reason)
