"""A partner system's messages are counted per sending agency, whatever address they come from."""

import uuid

import pytest
from django.test import override_settings

from ill.iso18626.messages import AgencyId
from ill.models import IllRequest, Iso18626Message
from partners.models import Iso18626Peer
from tests.factories import InstitutionFactory

from .partner import ENDPOINT, answer, header, request_body

pytestmark = pytest.mark.django_db


def register(value):
    return Iso18626Peer.objects.create(
        institution=InstitutionFactory(name_en=f"Library {value}", country="DK"), agency_id_type="ISIL",
        agency_id_value=value, endpoint_url="http://127.0.0.1:9/",
    )


def from_agency(client, value, request_id, address):
    body = request_body(request_id, header=header(request_id, requesting=AgencyId(id_type="ISIL", value=value)))
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
