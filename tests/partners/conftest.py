import pytest
from django.core.cache import cache

from tests.ill.triage.conftest import kim, kim_client, staff_groups  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate limits count in the cache; each story starts with none used."""
    cache.clear()
    yield
    cache.clear()
