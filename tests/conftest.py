"""Shared test settings: a cache of the suite's own; `--update-golden` rewrites expected outputs after a deliberate change."""

from __future__ import annotations

import os

import pytest


def skip_unless_ci(reason: str) -> None:
    """Skip a test whose optional extra or system package is missing; under CI=true that is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: CI installs it, so this must not be missing)")
    pytest.skip(reason)


def pytest_configure(config):
    """The suite keeps its own cache, made fresh for the run: it parses thousands of generated
    contracts, whose trees have no place in the user's cache, and no run depends on what an earlier left."""
    import tempfile

    if "CONTRACT_CACHE_DIR" not in os.environ:
        config.suite_cache = tempfile.TemporaryDirectory(prefix="contractlang-tests-")
        os.environ["CONTRACT_CACHE_DIR"] = config.suite_cache.name

    # the program ends its process at once (contractlang/__main__.py): in the suite's own process that would end
    # the run with success, the tests after it never run. Called here, it fails the test that called it instead
    import types

    import contractlang.__main__ as program

    def refused(status: int):
        raise AssertionError(f"the program tried to end the test process (os._exit({status}))")

    program.os = types.SimpleNamespace(_exit=refused)


def pytest_unconfigure(config):
    if hasattr(config, "suite_cache"):
        os.environ.pop("CONTRACT_CACHE_DIR", None)
        config.suite_cache.cleanup()


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the expected files of golden tests instead of comparing with them")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")
