"""The reports' year (tests/exchange/reports/year.py): its money and its exchanges, and the staff who read it.

The year's ILL requests (`ill_year`), the libraries (`france`, `japan`), the manager and the report
permissions (`report_groups`) are fixtures of tests/conftest.py, which the browser tests share."""

from datetime import date
from decimal import Decimal

import pytest

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
from ill.models import Invoice, Payment
from nlk_portal.core.roles import EXCHANGE_STAFF, ILL_STAFF
from tests.factories import InstitutionFactory, staff_member


@pytest.fixture
def source_fee_schedule(fees_since_2020):
    """The library's fees as the migration records them, in force since before the fixture's year."""
    return fees_since_2020


@pytest.fixture
def ill_clerk(report_groups):
    return staff_member(ILL_STAFF, username="kim", email="kim@nl.go.kr")


@pytest.fixture
def exchange_clerk(report_groups):
    return staff_member(EXCHANGE_STAFF, username="park", email="park@nl.go.kr")


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


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client
