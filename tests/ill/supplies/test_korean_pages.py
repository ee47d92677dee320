"""What a Korean reader sees where one English word means two things: each place shows its own Korean."""

import pytest
from django.urls import reverse

from tests.factories import submit_ill_request

pytestmark = pytest.mark.django_db

ARTICLE = dict(item_type="article", title="", article_title="시와 역사", serial_title="창작과비평")


def tracking_page(client, ill_request, language):
    url = reverse("ill:track", args=[ill_request.tracking_token])
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def serial_line(html):
    start = html.index("창작과비평")
    return html[start : html.index("</dd>", start)]


@pytest.mark.parametrize(
    "volume, issue, english, korean",
    [
        ("3", "2", "창작과비평, vol. 3, no. 2", "창작과비평, 제3권 제2호"),
        ("3", "", "창작과비평, vol. 3", "창작과비평, 제3권"),
        ("", "2", "창작과비평, no. 2", "창작과비평, 제2호"),
        ("", "", "창작과비평", "창작과비평"),
    ],
)
def test_volume_and_issue_are_written_the_way_each_language_writes_them(
    client, source_fee_schedule, volume, issue, english, korean
):
    ill_request = submit_ill_request(volume=volume, issue=issue, **ARTICLE)

    assert serial_line(tracking_page(client, ill_request, "en")) == english
    assert serial_line(tracking_page(client, ill_request, "ko")) == korean


def test_what_a_reader_types_as_the_volume_is_escaped(client, source_fee_schedule):
    ill_request = submit_ill_request(volume="<b>3</b>", issue="2", **ARTICLE)

    line = serial_line(tracking_page(client, ill_request, "ko"))

    assert line == "창작과비평, 제&lt;b&gt;3&lt;/b&gt;권 제2호"


def test_the_history_of_a_request_is_headed_in_the_portals_korean(client, source_fee_schedule):
    html = tracking_page(client, submit_ill_request(), "ko")

    assert '<h2 class="h5">처리 이력</h2>' in html
    assert "히스토리" not in html
