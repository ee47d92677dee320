"""Beat sends each schedule entry once per period, even when a second beat was started by mistake."""

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab, schedule
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from nlk_portal.celery import app
from nlk_portal.outbox.beat import OncePerPeriodScheduler, period_of
from nlk_portal.outbox.models import ScheduledRun
from partners import tasks as partners_tasks
from partners.models import Librarian
from tests.factories import UserFactory

SEOUL = ZoneInfo("Asia/Seoul")
User = get_user_model()


def at(*moment):
    return datetime(*moment, tzinfo=SEOUL)


def test_every_scheduled_entry_goes_through_the_scheduler_that_claims_periods():
    assert app.conf.beat_scheduler == "nlk_portal.outbox.beat:OncePerPeriodScheduler"


@pytest.mark.parametrize(
    "entry, same, different",
    [
        # Daily at 08:00: a beat sending it late (restarted at 08:05) is still that day's run.
        ("ill-daily-digests", [at(2026, 3, 2, 8, 0, 0), at(2026, 3, 2, 8, 5, 30)], at(2026, 3, 3, 8, 0, 0)),
        ("exchange-monthly-report", [at(2026, 4, 1, 7, 0, 0), at(2026, 4, 1, 7, 0, 59)], at(2026, 5, 1, 7, 0, 0)),
        # Every minute: minutes of the clock.
        ("outbox-sweep", [at(2026, 3, 2, 8, 0, 0), at(2026, 3, 2, 8, 0, 59)], at(2026, 3, 2, 8, 1, 0)),
    ],
)
def test_the_period_of_a_run_comes_from_its_schedule(entry, same, different):
    entry_schedule = settings.CELERY_BEAT_SCHEDULE[entry]["schedule"]
    if not isinstance(entry_schedule, crontab):
        entry_schedule = schedule(timedelta(seconds=entry_schedule))

    periods = {period_of(entry_schedule, moment) for moment in same}

    assert len(periods) == 1
    assert period_of(entry_schedule, different) not in periods


def test_a_crontab_run_at_a_fixed_time_has_the_day_in_the_library_s_time_zone():
    daily = crontab(hour=8, minute=0)
    # 23:30 UTC on 1 March is 08:30 on 2 March in Seoul.
    assert period_of(daily, datetime(2026, 3, 1, 23, 30, tzinfo=ZoneInfo("UTC"))) == "2026-03-02"


def expired_registration(email):
    account = UserFactory(username=email, email=email, is_active=False)
    Librarian.objects.create(user=account)
    User.objects.filter(pk=account.pk).update(
        date_joined=timezone.now() - timedelta(days=settings.ACCOUNTS_UNCONFIRMED_DAYS + 1)
    )
    return account


def start_of_a_period(seconds):
    """Wait until the next period of `seconds` begins, so the next steps fall in it."""
    current = time.time() // seconds
    while time.time() // seconds == current:
        time.sleep(0.02)


@pytest.mark.django_db
def test_two_beats_send_an_entry_once_in_a_period_and_again_in_the_next(tmp_path):
    first, second = (
        OncePerPeriodScheduler(app=app, schedule_filename=str(tmp_path / name)) for name in ("first", "second")
    )
    every_four_seconds = first.Entry(
        name="partners-delete-expired-registrations",
        task=partners_tasks.delete_expired_registrations.name,
        schedule=schedule(timedelta(seconds=4)),
        app=app,
    )

    start_of_a_period(4)
    sent = expired_registration("sent@example.org")
    first.apply_entry(every_four_seconds)
    assert not User.objects.filter(pk=sent.pk).exists()
    waiting = expired_registration("waiting@example.org")
    second.apply_entry(every_four_seconds)
    assert User.objects.filter(pk=waiting.pk).exists()
    assert ScheduledRun.objects.filter(entry="partners-delete-expired-registrations").count() == 1

    start_of_a_period(4)
    second.apply_entry(every_four_seconds)
    first.apply_entry(every_four_seconds)
    assert not User.objects.filter(pk=waiting.pk).exists()
    assert ScheduledRun.objects.filter(entry="partners-delete-expired-registrations").count() == 2
    first.close()
    second.close()
