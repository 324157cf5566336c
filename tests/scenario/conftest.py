"""Fixtures of the scenario block tests: one learner's runtime and the small scenario, and staff's."""
import pytest

from .support import ScenarioTestRuntime, load, small_scenario


@pytest.fixture
def runtime():
    return ScenarioTestRuntime()


@pytest.fixture
def block(runtime):
    return load(runtime, small_scenario())


@pytest.fixture
def staff_block():
    """The block as course staff see it in Studio (authoring handlers are theirs only)."""
    return load(ScenarioTestRuntime(user_id='staff-1', is_staff=True), small_scenario())
