"""The partner systems of the ISO 18626 tests: a real HTTP peer, and the libraries registered as peers."""

import pytest

from ill.models import IllRequest
from partners.models import Iso18626Peer, hash_security_code
from tests.factories import InstitutionFactory

from .examples import PEER_ACCOUNT_ID, PEER_SECURITY_CODE
from .partner import answer, post, request_body
from .peer import Peer


def peer_credentials():
    """The account id and code (hashed, as kept) of the test peers' messages (examples.PEER_AUTHENTICATION)."""
    return {"account_id": PEER_ACCOUNT_ID, "code_hash": hash_security_code(PEER_SECURITY_CODE)}


@pytest.fixture
def iso18626_peer():
    """A partner ILL system listening on 127.0.0.1 (tests/ill/iso18626/peer.py), stopped after the test."""
    with Peer() as peer:
        yield peer


@pytest.fixture
def nlk_agency(settings):
    """NLK's own agency id, as the setting gives it."""
    settings.ILL_ISO18626_AGENCY = "ISIL:KR-SeNL"
    return settings.ILL_ISO18626_AGENCY


@pytest.fixture
def royal_library(db, iso18626_peer, nlk_agency, source_fee_schedule):
    """The Royal Danish Library's ILL system, registered as a peer at the test peer's address, with the
    account id and code its messages carry (tests/ill/iso18626/examples.py)."""
    institution = InstitutionFactory(
        name_en="Royal Danish Library", country="DK", address="Søren Kierkegaards Plads 1\n1221 København K",
        ill_email="ill@kb.dk",
    )
    return Iso18626Peer.objects.create(
        institution=institution, agency_id_type="ISIL", agency_id_value="DK-710100", endpoint_url=iso18626_peer.url,
        **peer_credentials(),
    )


@pytest.fixture
def from_peer(client, royal_library, django_capture_on_commit_callbacks):
    """The Royal Danish Library's request for a copy of an article, received by the endpoint."""
    with django_capture_on_commit_callbacks(execute=True):
        answer(post(client, request_body()))
    return IllRequest.objects.get()
