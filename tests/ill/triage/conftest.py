"""Requests for NLK staff to work in the admin, and an exchange clerk who may not work them."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from ill.models import IllRequest, StatusChange
from nlk_portal.core.roles import EXCHANGE_STAFF
from tests.factories import InstitutionFactory, staff_member, submit_ill_request


@pytest.fixture
def exchange_clerk(db):
    return staff_member(EXCHANGE_STAFF, username="park", first_name="Seo-yeon", last_name="Park")


@pytest.fixture
def library(db):
    return InstitutionFactory(name_en="Bibliothèque nationale de France", country="FR")


@pytest.fixture
def copy_request(source_fee_schedule, library):
    """A copy of pages 12-30 and 45 (20 pages) of a 320-page book: the copyright check is made."""
    return submit_ill_request(requesting_library=library)


@pytest.fixture
def loan_request(source_fee_schedule, library):
    return submit_ill_request(requesting_library=library, service="loan", pages_wanted="", total_pages=None)


def received_days_ago(days, **overrides):
    return submit_ill_request(received_at=timezone.now() - timedelta(days=days), **overrides)


_numbers = itertools.count(1)


def many_requests(count, *, library, schedule, assigned_to=None):
    """`count` requests with their first history line, written in bulk as a busy year leaves them."""
    now = timezone.now()
    template = submit_ill_request(requesting_library=library)
    fields = {
        f.attname: getattr(template, f.attname)
        for f in IllRequest._meta.concrete_fields
        if f.attname not in {"id", "reference", "tracking_token", "submission_key"}
    }
    requests = IllRequest.objects.bulk_create(
        IllRequest(
            **{
                **fields,
                "reference": f"ILL-1999-{next(_numbers):06d}",
                "tracking_token": f"bulk-{next(_numbers)}",
                "received_at": now - timedelta(hours=n),
                "due_date": (now - timedelta(hours=n)).date() + timedelta(days=30),
                "assigned_to": assigned_to,
                "fee_schedule": schedule,
            }
        )
        for n in range(count - 1)
    )
    StatusChange.objects.bulk_create(
        StatusChange(request=r, to_status=r.status, changed_at=r.received_at) for r in requests
    )
    return [template, *requests]
