"""A peer proves who it is: every message carries its account id and security code (kept only hashed),
and may have to come from its client networks; whatever is wrong, the answer is the same ERROR and
nothing is kept. NLK's own messages carry what the peer gave NLK."""

import dataclasses
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ill.iso18626.encode import build_message, with_authentication
from ill.iso18626.messages import AgencyId, Authentication
from ill.iso18626.vocabulary import Action, ErrorType
from ill.models import IllRequest, Iso18626Message, Iso18626Transaction, StatusChange
from partners.models import Iso18626Peer, hash_security_code, new_security_code

from .examples import (
    PEER_ACCOUNT_ID,
    PEER_AUTHENTICATION,
    PEER_SECURITY_CODE,
    make_requesting_agency_message,
    make_supplying_agency_message,
)
from .partner import ROYAL_LIBRARY, action_body, answer, error_of, header, lender_body, post, request_body

pytestmark = pytest.mark.django_db

NOTHING_KEPT = {"requests": 0, "messages": 0, "transactions": 0, "history": 0}
UNKNOWN = AgencyId(id_type="ISIL", value="XX-1")


def kept():
    return {
        "requests": IllRequest.objects.count(),
        "messages": Iso18626Message.objects.count(),
        "transactions": Iso18626Transaction.objects.count(),
        "history": StatusChange.objects.count(),
    }


def request_with(authentication, *, requesting=ROYAL_LIBRARY, request_id="DK-2026-0042"):
    return request_body(request_id, header=header(request_id, requesting=requesting, authentication=authentication))


def refusal(response, agency):
    """The error answered, with the agency the message named written AGENCY: what tells one refusal from another."""
    error_type, value = error_of(response)
    return error_type, value.replace(str(agency), "AGENCY")


WRONG = {
    "no authentication": None,
    "no code": Authentication(account_id=PEER_ACCOUNT_ID),
    "no account id": Authentication(security_code=PEER_SECURITY_CODE),
    "wrong account id": Authentication(account_id="someone-else", security_code=PEER_SECURITY_CODE),
    "wrong code": Authentication(account_id=PEER_ACCOUNT_ID, security_code=PEER_SECURITY_CODE[:-1] + "!"),
    "empty code": Authentication(account_id=PEER_ACCOUNT_ID, security_code=""),
}


@pytest.mark.parametrize("authentication", WRONG.values(), ids=WRONG.keys())
def test_a_request_without_the_peers_own_credentials_is_refused_as_an_unknown_agency_is(
    client, royal_library, authentication
):
    unknown = refusal(post(client, request_with(PEER_AUTHENTICATION, requesting=UNKNOWN)), UNKNOWN)

    wrong = refusal(post(client, request_with(authentication)), ROYAL_LIBRARY)

    assert wrong == unknown
    assert wrong[0] == ErrorType.UNRECOGNISED_DATA_VALUE and "requestingAgencyId: AGENCY" in wrong[1]
    assert kept() == NOTHING_KEPT


def test_the_right_credentials_are_taken_and_the_code_is_not_kept_with_the_message(client, royal_library):
    assert answer(post(client, request_with(PEER_AUTHENTICATION))).is_ok

    message = Iso18626Message.objects.get()
    assert PEER_SECURITY_CODE not in message.body and "<securityCode>(withheld)</securityCode>" in message.body
    assert PEER_ACCOUNT_ID in message.body and "DK-2026-0042" in message.body
    peer = Iso18626Peer.objects.get()
    assert PEER_SECURITY_CODE not in peer.code_hash and peer.code_hash.startswith("hmac-sha256$")


def test_a_requesting_agency_message_with_a_wrong_code_changes_nothing(
    client, royal_library, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer(post(client, request_body()))
    before = kept()
    wrong = header(authentication=Authentication(account_id=PEER_ACCOUNT_ID, security_code="x" * 30))
    body = build_message(make_requesting_agency_message(header=wrong, action=Action.CANCEL))

    error_type, value = error_of(post(client, body))

    assert error_type == ErrorType.UNRECOGNISED_DATA_VALUE and "is not a registered partner" in value
    assert kept() == before
    assert answer(post(client, action_body(Action.CANCEL))).is_ok


def test_a_supplying_agency_message_needs_the_credentials_too(client, royal_library):
    body = lender_body("ILL-2026-000001", "WillSupply")
    wrong = body.replace(PEER_ACCOUNT_ID.encode(), b"not-the-account")

    refused = refusal(post(client, wrong), ROYAL_LIBRARY)
    unknown = refusal(post(client, lender_body("ILL-2026-000001", "WillSupply", lender=UNKNOWN)), UNKNOWN)
    # With the right credentials the peer is known, and only the request is not.
    _type, value = error_of(post(client, body))

    assert refused == unknown and "supplyingAgencyId: AGENCY" in refused[1]
    assert "ILL-2026-000001" in value and "names no request" in value
    assert kept() == NOTHING_KEPT


def test_an_agency_id_of_another_type_is_not_the_registered_one(client, royal_library):
    oclc = AgencyId(id_type="OCLC", value="DK-710100")

    error_type, value = error_of(post(client, request_with(PEER_AUTHENTICATION, requesting=oclc)))

    assert error_type == ErrorType.UNRECOGNISED_DATA_VALUE and "OCLC:DK-710100" in value
    assert Iso18626Peer.objects.with_agency("OCLC", "DK-710100").first() is None
    assert Iso18626Peer.objects.with_agency("isil", "dk-710100").get() == royal_library
    assert kept() == NOTHING_KEPT


def test_the_replaced_code_is_taken_until_the_date_staff_chose_and_then_only_the_new_one(client, royal_library):
    until = timezone.now() + timedelta(days=7)
    new_code = royal_library.generate_security_code(previous_valid_until=until)
    royal_library.save()
    new = Authentication(account_id=PEER_ACCOUNT_ID, security_code=new_code)

    assert answer(post(client, request_with(PEER_AUTHENTICATION, request_id="DK-OLD-1"))).is_ok
    assert answer(post(client, request_with(new, request_id="DK-NEW-1"))).is_ok

    Iso18626Peer.objects.filter(pk=royal_library.pk).update(previous_code_valid_until=timezone.now())
    refused = error_of(post(client, request_with(PEER_AUTHENTICATION, request_id="DK-OLD-2")))
    assert refused[0] == ErrorType.UNRECOGNISED_DATA_VALUE
    assert answer(post(client, request_with(new, request_id="DK-NEW-2"))).is_ok
    assert set(IllRequest.objects.values_list("iso18626__requesting_agency_request_id", flat=True)) == {
        "DK-OLD-1", "DK-NEW-1", "DK-NEW-2"
    }


def test_a_code_replaced_without_a_date_is_refused_at_once(client, royal_library):
    royal_library.generate_security_code()
    royal_library.save()

    assert error_of(post(client, request_with(PEER_AUTHENTICATION)))[0] == ErrorType.UNRECOGNISED_DATA_VALUE
    assert kept() == NOTHING_KEPT


def test_a_peer_limited_to_its_networks_is_refused_from_anywhere_else_as_for_a_wrong_code(client, royal_library):
    Iso18626Peer.objects.filter(pk=royal_library.pk).update(client_networks="192.0.2.0/24\n2001:db8::/32")
    wrong_code = Authentication(account_id=PEER_ACCOUNT_ID, security_code="y" * 40)

    outside = refusal(client.post("/iso18626/", request_with(PEER_AUTHENTICATION), content_type="application/xml",
                                  REMOTE_ADDR="198.51.100.7"), ROYAL_LIBRARY)
    bad_code = refusal(client.post("/iso18626/", request_with(wrong_code), content_type="application/xml",
                                   REMOTE_ADDR="192.0.2.10"), ROYAL_LIBRARY)
    assert outside == bad_code
    assert kept() == NOTHING_KEPT

    inside = client.post("/iso18626/", request_with(PEER_AUTHENTICATION, request_id="DK-V4"),
                         content_type="application/xml", REMOTE_ADDR="192.0.2.10")
    inside_v6 = client.post("/iso18626/", request_with(PEER_AUTHENTICATION, request_id="DK-V6"),
                            content_type="application/xml", REMOTE_ADDR="2001:db8::7")
    assert answer(inside).is_ok and answer(inside_v6).is_ok


def test_behind_the_trusted_proxy_the_networks_are_checked_against_the_clients_address(
    client, royal_library, settings
):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    Iso18626Peer.objects.filter(pk=royal_library.pk).update(client_networks="192.0.2.0/24")

    # The proxy is in the network, the client is not.
    from_outside = client.post("/iso18626/", request_with(PEER_AUTHENTICATION), content_type="application/xml",
                               REMOTE_ADDR="192.0.2.1", HTTP_X_REAL_IP="198.51.100.7")
    from_inside = client.post("/iso18626/", request_with(PEER_AUTHENTICATION), content_type="application/xml",
                              REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="192.0.2.44")

    assert error_of(from_outside)[0] == ErrorType.UNRECOGNISED_DATA_VALUE
    assert answer(from_inside).is_ok


def test_a_code_shorter_than_24_characters_is_refused_and_generated_ones_are_long_enough():
    with pytest.raises(Exception, match="at least 24 characters"):
        hash_security_code("x" * 23)
    code = new_security_code()
    assert len(code) >= 24 and hash_security_code(code) != hash_security_code(code)  # salted


def test_nlks_messages_carry_what_the_peer_gave_nlk_and_the_stored_rows_do_not(
    client, kim_client, royal_library, iso18626_peer, django_capture_on_commit_callbacks
):
    send_code = "nlk-sends-" + "k" * 30
    Iso18626Peer.objects.filter(pk=royal_library.pk).update(send_account_id="nlk-at-kb", send_security_code=send_code)
    with django_capture_on_commit_callbacks(execute=True):
        answer(post(client, request_body()))
    ill_request = IllRequest.objects.get()
    shown = ill_request.version
    with django_capture_on_commit_callbacks(execute=True):
        response = kim_client.post(
            reverse("admin:ill_illrequest_staff_action", args=[ill_request.pk, "accept"]),
            {f"version_{ill_request.pk}": shown, "confirm": "1"},
        )
    assert response.status_code == 302

    (posted,) = iso18626_peer.wait_for_posts(1)
    assert posted.is_valid, posted.schema_errors
    assert posted.message.header.requesting_agency_authentication == Authentication(
        account_id="nlk-at-kb", security_code=send_code
    )
    row = Iso18626Message.objects.get(incoming=False)
    assert row.state == Iso18626Message.State.CONFIRMED
    assert send_code not in row.body and send_code not in row.confirmation
    page = kim_client.get(reverse("admin:ill_illrequest_change", args=[ill_request.pk])).content.decode()
    assert send_code not in page


def test_a_peer_that_gave_nlk_nothing_is_sent_messages_without_authentication(
    client, kim_client, royal_library, iso18626_peer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer(post(client, request_body()))
    ill_request = IllRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        kim_client.post(
            reverse("admin:ill_illrequest_staff_action", args=[ill_request.pk, "accept"]),
            {f"version_{ill_request.pk}": ill_request.version, "confirm": "1"},
        )

    (posted,) = iso18626_peer.wait_for_posts(1)
    assert posted.is_valid and posted.message.header.requesting_agency_authentication is None


def test_the_header_keeps_the_schemas_order_with_a_supplying_agency_request_id():
    message = make_supplying_agency_message()
    message = dataclasses.replace(
        message, header=dataclasses.replace(message.header, requesting_agency_authentication=None)
    )
    body = with_authentication(build_message(message), Authentication(account_id="a", security_code="b" * 24))

    assert body.index(b"</supplyingAgencyRequestId>") < body.index(b"<requestingAgencyAuthentication>")
    assert body.index(b"<requestingAgencyAuthentication>") < body.index(b"</header>")
