"""Shared test settings: `--update-golden` rewrites expected outputs after a deliberate change."""

from __future__ import annotations

import os

import pytest


def skip_unless_ci(reason: str) -> None:
    """Skip a test whose optional extra or system package is missing; under CI=true that is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: CI installs it, so this must not be missing)")
    pytest.skip(reason)


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the expected files of golden tests instead of comparing with them")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")
