"""A small year of the library's work, with figures worked out by hand in the tests.

ILL, requests NLK supplies (received 2025, Seoul time), and how long each took:
  France: 1 Mar (2 days), 5 Mar (4 days), 1 May (40 days: past the one-month target), 1 Jun (still open)
  Japan:  1 Apr (10 days), 10 Apr (20 days), 2 May (unfilled: not held)
and one request NLK borrows from a French library for a user in Korea, 5 Jun (45 days: within two months).
Supplied turnaround days 2, 4, 10, 20, 40: median 10, 90th percentile 20 + 0.6 × 20 = 32.
"""

import importlib
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission

from exchange.models import (
    BusinessExchange,
    Cadence,
    Depositor,
    DepositReceipt,
    ExchangeAgreement,
    KoreanStudiesSupply,
    Meeting,
    PartnershipCohort,
    PartnershipParticipant,
    Shipment,
)
from ill.models import Borrowing, Invoice, Payment, StatusChange
from ill.status import Status
from nlk_portal.core import calendar
from nlk_portal.core.roles import EXCHANGE_STAFF, ILL_STAFF, MANAGERS
from tests.factories import InstitutionFactory, UserFactory, submit_ill_request

SOURCE_SCHEDULE = importlib.import_module("ill.migrations.0002_source_fee_schedule").SOURCE_SCHEDULE
STAFF_GROUPS = importlib.import_module("ill.migrations.0004_staff_groups")
REPORT_PERMISSIONS = importlib.import_module("exchange.migrations.0003_reports")
SEOUL = calendar.LIBRARY_TIME_ZONE
PASSWORD = "correct horse battery staple"


@pytest.fixture
def source_fee_schedule(db):
    """The library's fees as the migration records them, in force since before the fixture's year."""
    from ill.models import FeeSchedule

    fields = {k: v for k, v in SOURCE_SCHEDULE.items() if k != "effective_from"}
    return FeeSchedule.objects.get_or_create(effective_from=date(2020, 1, 1), defaults=fields)[0]


@pytest.fixture
def report_groups(db):
    """The staff groups and their report permissions, as the migrations leave them."""
    STAFF_GROUPS.give_staff_groups_their_permissions(Group.objects, Permission.objects)
    REPORT_PERMISSIONS.give_report_permissions(Group.objects, Permission.objects)


def member(group, **fields):
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def manager(report_groups):
    return member(MANAGERS, username="choi", first_name="Hyun-woo", last_name="Choi", email="choi@nl.go.kr")


@pytest.fixture
def ill_clerk(report_groups):
    return member(ILL_STAFF, username="kim", email="kim@nl.go.kr")


@pytest.fixture
def exchange_clerk(report_groups):
    return member(EXCHANGE_STAFF, username="park", email="park@nl.go.kr")


def seoul(year, month, day, hour=10):
    return datetime(year, month, day, hour, tzinfo=SEOUL)


def record(ill_request, to_status, at, reason=""):
    """A step in the request's history, dated as it happened."""
    StatusChange.objects.create(
        request=ill_request, from_status=ill_request.status, to_status=to_status, changed_at=at, reason=reason
    )
    ill_request.status = to_status
    ill_request.save(update_fields=["status"])


def completed(library, received, days, direction="supplies"):
    ill_request = submit_ill_request(requesting_library=library, received_at=received)
    if direction != "supplies":
        ill_request.direction = direction
        ill_request.save(update_fields=["direction"])
        Borrowing.objects.create(
            request=ill_request, lender=library, lender_country=library.country, target_date=received.date()
        )
    record(ill_request, Status.WILL_SUPPLY, received + timedelta(days=1))
    record(ill_request, Status.COPY_COMPLETED, received + timedelta(days=days))
    return ill_request


@pytest.fixture
def france(db):
    return InstitutionFactory(name_en="Bibliothèque nationale de France", country="FR")


@pytest.fixture
def japan(db):
    return InstitutionFactory(name_en="National Diet Library", country="JP")


@pytest.fixture
def ill_year(source_fee_schedule, france, japan):
    requests = {
        "fr_mar_1": completed(france, seoul(2025, 3, 1), 2),
        "fr_mar_5": completed(france, seoul(2025, 3, 5), 4),
        "jp_apr_1": completed(japan, seoul(2025, 4, 1), 10),
        "jp_apr_10": completed(japan, seoul(2025, 4, 10), 20),
        "fr_may_1": completed(france, seoul(2025, 5, 1), 40),
        "fr_jun_5_borrowed": completed(france, seoul(2025, 6, 5), 45, direction="borrows"),
    }
    unfilled = submit_ill_request(requesting_library=japan, received_at=seoul(2025, 5, 2))
    record(unfilled, Status.UNFILLED, seoul(2025, 5, 3), reason="not_held")
    requests["jp_may_2_unfilled"] = unfilled
    requests["fr_jun_1_open"] = submit_ill_request(requesting_library=france, received_at=seoul(2025, 6, 1))
    # Another year, which a 2025 filter leaves out.
    requests["jp_2024"] = completed(japan, seoul(2024, 12, 1), 3)
    return requests


def invoice(ill_request, number, issued_on, total):
    return Invoice.objects.create(
        number=number,
        request=ill_request,
        fee_schedule=ill_request.fee_schedule,
        issued_on=issued_on,
        currency="USD",
        total=Decimal(total),
    )


@pytest.fixture
def ill_money(ill_year):
    """USD 9.00 and 17.00 invoiced in 2025 (of which 9.00 paid), and 5.00 invoiced and paid in 2024."""
    paid = invoice(ill_year["fr_mar_1"], "INV-2025-000001", date(2025, 3, 3), "9.00")
    invoice(ill_year["jp_apr_1"], "INV-2025-000002", date(2025, 4, 11), "17.00")
    void = invoice(ill_year["jp_apr_10"], "INV-2025-000003", date(2025, 4, 30), "50.00")
    Invoice.objects.filter(pk=void.pk).update(status=Invoice.State.VOID)
    old = invoice(ill_year["jp_2024"], "INV-2024-000001", date(2024, 12, 4), "5.00")
    Payment.objects.create(
        invoice=paid,
        amount=Decimal("9.00"),
        currency="USD",
        received_on=date(2025, 3, 10),
        receipt_number="R-1",
    )
    Payment.objects.create(
        invoice=old,
        amount=Decimal("5.00"),
        currency="USD",
        received_on=date(2024, 12, 20),
        receipt_number="R-0",
    )


@pytest.fixture
def exchange_year(france, japan):
    """Shipments in 2025: to France 2 of government publications (10 and 5 items), from France 1 of
    periodicals (7 items), to Japan 1 of Korea-related materials (20 items).
    One to Japan in 2024 (99 items)."""
    Shipment.objects.create(
        date=date(2025, 2, 1),
        institution=france,
        direction="sent",
        category="government_publications",
        items=10,
    )
    Shipment.objects.create(
        date=date(2025, 8, 1),
        institution=france,
        direction="sent",
        category="government_publications",
        items=5,
    )
    Shipment.objects.create(
        date=date(2025, 3, 1),
        institution=france,
        direction="received",
        category="research_periodicals",
        items=7,
    )
    Shipment.objects.create(
        date=date(2025, 5, 1), institution=japan, direction="sent", category="korea_related", items=20
    )
    Shipment.objects.create(
        date=date(2024, 5, 1), institution=japan, direction="sent", category="korea_related", items=99
    )
    ExchangeAgreement.objects.create(institution=japan, kind="resource_exchange", since=1997)
    ExchangeAgreement.objects.create(institution=france, kind="ordinary", since=2030)
    un = InstitutionFactory(name_en="United Nations", country="US", kind="international_org")
    depositor = Depositor.objects.create(institution=un, acronym="UN")
    DepositReceipt.objects.create(
        depositor=depositor, received_on=date(2025, 6, 1), title="Yearbook", items=3
    )
    DepositReceipt.objects.create(depositor=depositor, received_on=date(2025, 7, 1), title="Report", items=2)
    KoreanStudiesSupply.objects.create(institution=france, year=2025, items=40)
    cohort = PartnershipCohort.objects.create(position=1, year=2025)
    PartnershipParticipant.objects.create(cohort=cohort, institution=japan, country="JP")
    PartnershipParticipant.objects.create(
        cohort=cohort, institution=InstitutionFactory(country="MN"), country="MN"
    )
    visits = BusinessExchange.objects.create(institution=japan, cadence=Cadence.ANNUAL, since=1997)
    Meeting.objects.create(exchange=visits, year=2025, host="nlk")
    Meeting.objects.create(exchange=visits, year=2024, host="partner")
