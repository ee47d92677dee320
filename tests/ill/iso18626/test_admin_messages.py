"""A request's page shows the start of its latest ISO 18626 messages, each linked to its own page with the whole
of it, and costs the same few queries whether the request has five messages or fifty."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ill.models import IllRequest, Iso18626Message

from .partner import answer, change_url, post, request_body

pytestmark = pytest.mark.django_db
TAIL = "END-OF-A-LONG-NOTE-5d1e"


def add_messages(ill_request, peer, count, *, body="<note>short</note>"):
    Iso18626Message.objects.bulk_create(
        Iso18626Message(
            request=ill_request, peer=peer, incoming=True, message_type="requestingAgencyMessage",
            reason="Notification", timestamp=timezone.now(), body=body, confirmation=body,
            state=Iso18626Message.State.RECEIVED,
        )
        for _ in range(count)
    )


def requests_with(client, royal_library, counts):
    """A request from the peer for each count, with that many messages (its request and the rest)."""
    made = []
    for n, count in enumerate(counts):
        answer(post(client, request_body(f"DK-{n}")))
        ill_request = IllRequest.objects.order_by("-id").first()
        add_messages(ill_request, royal_library, count - 1)
        made.append(ill_request)
    return made


@pytest.fixture
def two_requests(client, royal_library):
    return requests_with(client, royal_library, [5, 50])


def queries_for(kim_client, url):
    with CaptureQueriesContext(connection) as queries:
        assert kim_client.get(url).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_with_five_messages_or_fifty(kim_client, two_requests):
    few, many = two_requests
    kim_client.get(change_url(few))  # the session and the sidebar's first reads

    assert queries_for(kim_client, change_url(many)) == queries_for(kim_client, change_url(few))


def test_a_long_message_is_cut_short_and_linked_to_its_own_page(kim_client, two_requests, royal_library):
    _, many = two_requests
    long_body = "<note>" + "x" * 3000 + TAIL + "</note>"
    add_messages(many, royal_library, 1, body=long_body)
    row = Iso18626Message.objects.get(body=long_body)

    page = kim_client.get(change_url(many)).content.decode()

    assert TAIL not in page and "x" * 490 in page
    message_url = reverse("admin:ill_iso18626message_change", args=[row.pk])
    assert f'href="{message_url}"' in page
    # The latest messages only, and a link to them all.
    assert 0 < page.count('class="ill-xml"') < 51
    all_url = reverse("admin:ill_iso18626message_changelist") + f"?request__id__exact={many.pk}"
    assert f'href="{all_url}"' in page and "All 51 messages exchanged" in page
    listed = kim_client.get(all_url)
    assert listed.status_code == 200 and listed.context["cl"].result_count == 51
    # The message's own page shows the whole of it.
    assert TAIL in kim_client.get(message_url).content.decode()
