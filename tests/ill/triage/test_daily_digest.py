"""Every morning each staff member hears of their late and nearly late requests, and the team of the unassigned."""

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from ill.models import IllRequest
from ill.services.digests import send_daily_digests
from ill.services.workflow import do_transition
from ill.status import Status, UnfilledReason
from nlk_portal.celery import app
from nlk_portal.core import calendar

from .conftest import received_days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(source_fee_schedule, library, kim, lee):
    late = received_days_ago(40, requesting_library=library, title="조선왕조실록 연구")
    soon = received_days_ago(27, requesting_library=library, title="토지")
    later = received_days_ago(2, requesting_library=library, title="한국 근대 문학사")
    closed_late = received_days_ago(45, requesting_library=library, title="closed")
    unassigned = received_days_ago(35, requesting_library=library, title="삼국유사")
    do_transition(closed_late, Status.UNFILLED, reason=UnfilledReason.NOT_HELD)
    IllRequest.objects.filter(pk__in=[late.pk, soon.pk, later.pk, closed_late.pk]).update(assigned_to=kim)
    mail.outbox.clear()
    return {"late": late, "soon": soon, "later": later, "unassigned": unassigned}


def test_each_staff_member_gets_their_overdue_and_due_this_week_requests(desk, kim):
    sent = send_daily_digests()

    assert sent == 2  # Kim's own, and the team's; Lee has nothing due
    mine = next(m for m in mail.outbox if m.to == ["kim@nl.go.kr"])
    assert mine.subject == "Your ILL requests: 1 overdue, 1 due this week"
    body = mine.body
    late, soon = desk["late"], desk["soon"]
    overdue_days = (calendar.library_today() - late.due_date).days
    assert f"- {late.reference} · {late.due_date:%Y-%m-%d} ({overdue_days} days overdue) · Request received" in body
    assert soon.reference in body
    assert desk["later"].reference not in body and "closed" not in body
    assert f"{settings.PORTAL_URL}/admin/ill/illrequest/{late.pk}/change/" in body
    assert f"{settings.PORTAL_URL}/admin/ill/illrequest/?assigned=me&due=overdue" in body


def test_the_team_hears_of_the_requests_nobody_has_taken(desk):
    send_daily_digests()

    team = next(m for m in mail.outbox if "not assigned" in m.subject)
    assert sorted(team.to) == ["kim@nl.go.kr", "lee@nl.go.kr"]
    assert team.subject == "1 ILL request is not assigned to anyone"
    assert desk["unassigned"].reference in team.body
    assert "1 of them is overdue." in team.body
    assert desk["late"].reference not in team.body


def test_a_shared_mailbox_can_receive_the_team_digest(desk, settings):
    settings.ILL_TEAM_EMAIL = ["ill-team@nl.go.kr"]

    send_daily_digests()

    assert [m.to for m in mail.outbox if "not assigned" in m.subject] == [["ill-team@nl.go.kr"]]


def test_a_digest_is_sent_once_a_day_however_often_the_job_runs(desk):
    send_daily_digests()
    call_command("send_ill_digests", stdout=open("/dev/null", "w"))

    assert len(mail.outbox) == 2


def test_nothing_is_sent_on_a_quiet_day(source_fee_schedule, library, kim):
    received_days_ago(1, requesting_library=library)
    IllRequest.objects.update(assigned_to=kim)

    assert send_daily_digests() == 0
    assert mail.outbox == []


def test_celery_beat_runs_the_digest_every_morning():
    entry = settings.CELERY_BEAT_SCHEDULE["ill-daily-digests"]

    assert entry["task"] in app.tasks
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({8}, {0})
