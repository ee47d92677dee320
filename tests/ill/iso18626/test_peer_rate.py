"""A partner system's messages are counted per sending agency, whatever address they come from."""

import uuid

import pytest
from django.test import override_settings

from ill.iso18626.messages import AgencyId, Authentication
from ill.models import IllRequest, Iso18626Message
from partners.models import Iso18626Peer
from tests.factories import InstitutionFactory

from .conftest import peer_credentials
from .examples import PEER_ACCOUNT_ID
from .partner import ENDPOINT, answer, header, request_body

pytestmark = pytest.mark.django_db


def register(value):
    return Iso18626Peer.objects.create(
        institution=InstitutionFactory(name_en=f"Library {value}", country="DK"), agency_id_type="ISIL",
        agency_id_value=value, endpoint_url="http://127.0.0.1:9/", **peer_credentials(),
    )


def from_agency(client, value, request_id, address, **authentication):
    requesting = AgencyId(id_type="ISIL", value=value)
    body = request_body(request_id, header=header(request_id, requesting=requesting, **authentication))
    return client.post(ENDPOINT, body, content_type="application/xml", REMOTE_ADDR=address)


@override_settings(ILL_ISO18626_PEER_RATE="3/m", ILL_ISO18626_RATE="1000/m")
def test_a_peer_posting_too_fast_from_many_addresses_is_told_to_wait_and_nothing_is_kept(client, nlk_agency,
                                                                                        source_fee_schedule):
    # Agencies of their own, so no other test's posts in the same minute count.
    busy, other = f"DK-{uuid.uuid4().hex[:8]}", f"DK-{uuid.uuid4().hex[:8]}"
    register(busy), register(other)
    for n in range(3):
        answer(from_agency(client, busy, f"R-{n}", f"10.1.0.{n + 1}"))

    # Its own agency id in another case is the same peer.
    response = from_agency(client, busy.lower(), "R-3", "10.1.0.9")

    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert IllRequest.objects.count() == 3 and Iso18626Message.objects.count() == 3
    # Another peer, from one of the same addresses, is not held up.
    assert answer(from_agency(client, other, "S-1", "10.1.0.1")).is_ok


@override_settings(ILL_ISO18626_PEER_RATE="3/m", ILL_ISO18626_RATE="1000/m")
def test_posts_that_do_not_prove_who_sent_them_use_up_no_peers_rate(client, nlk_agency, source_fee_schedule):
    agency = f"DK-{uuid.uuid4().hex[:8]}"
    register(agency)
    stranger = Authentication(account_id=PEER_ACCOUNT_ID, security_code="a-guess-at-the-code-0123456789")
    for n in range(5):
        assert not answer(from_agency(client, agency, f"X-{n}", f"10.2.0.{n + 1}", authentication=stranger)).is_ok

    assert answer(from_agency(client, agency, "R-1", "10.2.0.9")).is_ok
