"""Fixtures shared by the scenario block's tests: one learner's runtime and the small scenario on it."""
import pytest

from .support import ScenarioTestRuntime, load, small_scenario


@pytest.fixture
def runtime():
    return ScenarioTestRuntime()


@pytest.fixture
def block(runtime):
    return load(runtime, small_scenario())
