"""A request's admin page with many ISO 18626 messages against the same page with few, in process.

    DATABASE_URL=… .venv/bin/python -m bench.iso18626 --runs 20

Two requests a registered peer sent NLK, one with FEW messages and one with MANY (each a requesting
library's Notification carrying a long note), viewed as a member of ILL staff. Prints one JSON line:
for each, the messages, the queries, and p50/p95 in ms. Every message the benchmark builds, here and
in the public section's posts, has its header from `header`.
"""

import json
from datetime import UTC, datetime

from bench import admin_list, setup_django

FEW, MANY = 5, 500
NLK_AGENCY = "ISIL:KR-SeNL"
NOTE = "Please send the copy as a PDF; the reader needs it for a thesis chapter. " * 40


def header(peer, request_id):
    """The header of a message from `peer` to NLK about its request `request_id`: the one place the
    benchmark names who sends a message."""
    from ill.iso18626 import messages as iso

    return iso.Header(
        supplying_agency_id=iso.AgencyId.from_symbol(NLK_AGENCY),
        requesting_agency_id=iso.AgencyId(id_type=peer.agency_id_type, value=peer.agency_id_value),
        timestamp=datetime.now(UTC),
        requesting_agency_request_id=request_id,
        requesting_agency_authentication=iso.Authentication(
            account_id=peer.account_id, security_code=SECURITY_CODE
        ),
    )


# The security code of the benchmark's peers (on a scratch database), which their messages carry as a real
# peer's must; one code in every process of the run, so a process that registers the peer again changes nothing.
SECURITY_CODE = "bench-peer-security-code-of-the-scratch-database"


def bench_peer(library_id):
    """The peer the benchmark's messages come from: the library of `library_id`, its messages to it off,
    with an account id and a security code of its own."""
    from partners.models import Iso18626Peer, security_code_matches

    peer, _ = Iso18626Peer.objects.get_or_create(
        institution_id=library_id,
        defaults={"agency_id_type": "ISIL", "agency_id_value": f"BENCH-{library_id}",
                  "endpoint_url": "http://127.0.0.1:9/iso18626/", "messages_on": False},
    )
    if peer.account_id != f"bench-{library_id}" or not security_code_matches(SECURITY_CODE, peer.code_hash):
        peer.account_id = f"bench-{library_id}"
        peer.set_security_code(SECURITY_CODE)
        peer.save()
    return peer


def with_messages(ill_request, count):
    """Make `ill_request` one its library's system sent, with `count` messages kept as the endpoint keeps them."""
    from ill.choices import Direction
    from ill.iso18626.encode import build_message
    from ill.iso18626.messages import RequestingAgencyMessage
    from ill.iso18626.parsing import canonical_form
    from ill.iso18626.vocabulary import Action
    from ill.models import Iso18626Message, Iso18626Transaction

    peer = bench_peer(ill_request.requesting_library_id)
    request_id = f"BENCH-PAGE-{ill_request.pk}"
    Iso18626Message.objects.filter(request=ill_request).delete()
    Iso18626Transaction.objects.update_or_create(
        request=ill_request,
        defaults={"peer": peer, "direction": Direction.NLK_SUPPLIES, "requesting_agency_request_id": request_id,
                  "supplying_agency_request_id": ill_request.reference},
    )
    rows = []
    for n in range(count):
        message = RequestingAgencyMessage(header=header(peer, request_id), action=Action.NOTIFICATION,
                                          note=f"{n}: {NOTE}")
        body = canonical_form(build_message(message)).decode()
        rows.append(Iso18626Message(
            request=ill_request, peer=peer, incoming=True, message_type=message.message_type,
            reason=Action.NOTIFICATION, timestamp=message.header.timestamp, body=body, confirmation=body,
            state=Iso18626Message.State.RECEIVED,
        ))
    Iso18626Message.objects.bulk_create(rows, batch_size=100)
    return ill_request


def main():
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()
    setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from ill.choices import Direction
    from ill.models import IllRequest

    staff = get_user_model().objects.get(username="bench-staff-1")
    client = Client()
    client.force_login(staff)
    # Two of the generated requests NLK supplies, made as if their libraries' systems had sent them.
    few, many = IllRequest.objects.filter(direction=Direction.NLK_SUPPLIES).order_by("id")[:2]
    result = {}
    for name, ill_request, count in (("few", few, FEW), ("many", many, MANY)):
        with_messages(ill_request, count)
        url = reverse("admin:ill_illrequest_change", args=[ill_request.pk])
        result[name] = {"messages": count, **admin_list.measure(client, {}, options.runs, url=url)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
