"""A partner system's request that gives only a postal address: every email NLK would send about it is
recorded as skipped, with the reason, and no task fails for it."""

import dataclasses
from datetime import timedelta

import pytest

from ill import tasks
from ill.iso18626.messages import PhysicalAddress, RequestedDeliveryInfo, ServiceInfo
from ill.iso18626.vocabulary import ServiceType
from ill.models import IllRequest, Invoice, SentEmail
from nlk_portal.core.calendar import library_today
from nlk_portal.outbox.models import OutboxEntry
from partners.models import Iso18626Peer
from tests.factories import InstitutionFactory

from .conftest import peer_credentials
from .examples import make_request
from .partner import answer, post, request_body
from .test_supplying import act, lend

pytestmark = pytest.mark.django_db
Kind, Outcome = SentEmail.Kind, SentEmail.Outcome
POST_ONLY = PhysicalAddress(line1="Universitätsstraße 1", locality="Wien", postal_code="1010", country="AT")


@pytest.fixture
def postal_library(db, iso18626_peer, nlk_agency, source_fee_schedule):
    """A library whose system is a peer, with no ILL email in the directory."""
    institution = InstitutionFactory(name_en="Vienna University Library", country="AT", ill_email="")
    return Iso18626Peer.objects.create(
        institution=institution, agency_id_type="ISIL", agency_id_value="DK-710100", endpoint_url=iso18626_peer.url,
        **peer_credentials(),
    )


@pytest.fixture
def postal_loan(client, postal_library, django_capture_on_commit_callbacks):
    """Its request for a loan, sent by post, naming no email address anywhere."""
    message = make_request()
    body = request_body(
        "AT-LOAN-1",
        bibliographic_info=dataclasses.replace(message.bibliographic_info, pages_requested=None),
        service_info=ServiceInfo(service_type=ServiceType.LOAN),
        requested_delivery_info=(RequestedDeliveryInfo(sort_order=1, address=POST_ONLY),),
        requesting_agency_info=dataclasses.replace(message.requesting_agency_info, addresses=()),
        patron_info=dataclasses.replace(message.patron_info, addresses=()),
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer(post(client, body))
    return IllRequest.objects.get()


def skipped(kind):
    (record,) = SentEmail.objects.filter(kind=kind)
    assert record.status == Outcome.SKIPPED and "no email address" in record.error
    return record


def test_every_email_about_a_request_without_an_address_is_recorded_as_skipped(
    kim_client, postal_loan, mailoutbox, django_capture_on_commit_callbacks
):
    assert postal_loan.email == "" and "Universitätsstraße 1" in postal_loan.postal_address
    skipped(Kind.ACKNOWLEDGEMENT)

    with django_capture_on_commit_callbacks(execute=True):
        act(kim_client, postal_loan, "will_supply")
        lend(kim_client, postal_loan)

    invoice = Invoice.objects.get(request=postal_loan)
    assert invoice.pdf
    # The record names what was not sent: the invoice's own subject, the status the requester was not told.
    assert skipped(Kind.INVOICE).subject == f"Invoice {invoice.number} for ILL request {postal_loan.reference}"
    statuses = SentEmail.objects.filter(kind=Kind.STATUS).order_by("id")
    assert [record.status for record in statuses] == [Outcome.SKIPPED] * 2
    assert "Loaned" in statuses[1].subject or "loan" in statuses[1].subject.lower()

    Invoice.objects.filter(pk=invoice.pk).update(issued_on=library_today() - timedelta(days=60))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_payment_reminders.delay()

    assert skipped(Kind.PAYMENT_REMINDER).subject
    assert Invoice.objects.get(pk=invoice.pk).reminded_at is not None
    assert mailoutbox == []
    assert not OutboxEntry.objects.exclude(state=OutboxEntry.State.DONE).exists()
