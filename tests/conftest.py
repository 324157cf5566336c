"""Fixtures shared by every test package."""
import pytest


@pytest.fixture(autouse=True)
def _no_language_leaks_between_tests():
    """A request that switched language (``?lang=fr``) must not leave later tests in French."""
    yield
    from django.utils import translation
    translation.deactivate()


# Real servers started by the tests themselves (PostgreSQL, Redis): one of each per test session.
from tests.servers import postgres, redis  # noqa: E402,F401
