import importlib

import pytest
from django.core.cache import cache

SOURCE_SCHEDULE = importlib.import_module("ill.migrations.0002_source_fee_schedule").SOURCE_SCHEDULE


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate limits count in the cache; each story starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def source_fee_schedule(db):
    """The schedule the data migration creates; a transactional test's flush removes it, so restore it."""
    from ill.models import FeeSchedule

    # As the migrations leave it: its date is the portal's, not the library's, so it is not shown.
    fields = {k: v for k, v in SOURCE_SCHEDULE.items() if k != "effective_from"} | {"show_effective_from": False}
    schedule, _ = FeeSchedule.objects.get_or_create(
        effective_from=SOURCE_SCHEDULE["effective_from"], defaults=fields
    )
    return schedule


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Invoices are written under a MEDIA_ROOT of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
