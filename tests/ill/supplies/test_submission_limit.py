"""Reaching the submission limit never loses what the librarian typed, and linked librarians may send more."""

import pytest
from django.urls import reverse

from ill.models import IllRequest
from tests.factories import InstitutionFactory, LibrarianFactory
from tests.ill.forms import form_data

pytestmark = pytest.mark.django_db
URL = reverse("ill:request")


@pytest.fixture
def library(source_fee_schedule):
    return InstitutionFactory(name_en="SOAS Library", country="GB")


def submit(client, library, **overrides):
    return client.post(URL, form_data(library, action="submit", **overrides))


def test_over_the_limit_the_form_comes_back_filled_in_with_the_ill_contact(client, library, settings):
    settings.ILL_SUBMIT_RATE = "1/h"
    submit(client, library)

    response = submit(
        client, library, title="고려시대 불교 미술", part_title="석탑의 양식", notes="Needed for a thesis, 2026."
    )

    html = response.content.decode()
    assert response.status_code == 429
    assert response.templates[0].name == "ill/request_form.html"
    form = response.context["form"]
    assert form.data["title"] == "고려시대 불교 미술" and form.data["part_title"] == "석탑의 양식"
    assert 'value="고려시대 불교 미술"' in html and "Needed for a thesis, 2026." in html
    assert "Your request has not been sent yet" in html
    assert "201 Banpo-daero, Seocho-gu, Seoul 06579, Republic of Korea" in html
    assert "+82-2-590-0586" in html
    assert IllRequest.objects.count() == 1


def test_the_same_form_sent_again_once_the_limit_has_passed_makes_one_request(client, library, settings):
    settings.ILL_SUBMIT_RATE = "1/h"
    submit(client, library)
    data = form_data(library, action="submit", title="토지")
    assert client.post(URL, data).status_code == 429
    settings.ILL_SUBMIT_RATE = "5/h"

    first, again = client.post(URL, data), client.post(URL, data)

    assert first.status_code == again.status_code == 302
    assert IllRequest.objects.filter(title="토지").count() == 1


def test_the_message_is_in_korean_for_a_korean_reader(client, library, settings):
    settings.ILL_SUBMIT_RATE = "0/h"

    html = client.post(URL, form_data(library, action="submit"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert "신청서가 아직 접수되지 않았습니다" in html


def test_a_linked_partner_librarian_has_a_higher_limit_than_an_anonymous_visitor(client, library, settings):
    settings.ILL_SUBMIT_RATE, settings.ILL_SUBMIT_RATE_VERIFIED = "2/h", "4/h"
    anonymous = [submit(client, library).status_code for _ in range(3)]
    client.force_login(LibrarianFactory(institution=library).user)

    librarian = [submit(client, library).status_code for _ in range(5)]

    assert anonymous == [302, 302, 429]
    assert librarian == [302, 302, 302, 302, 429]


def test_a_librarian_not_yet_linked_to_a_library_counts_as_a_visitor(client, library, settings):
    settings.ILL_SUBMIT_RATE, settings.ILL_SUBMIT_RATE_VERIFIED = "1/h", "10/h"
    client.force_login(LibrarianFactory(institution=None).user)

    assert [submit(client, library).status_code for _ in range(2)] == [302, 429]


@pytest.mark.parametrize(
    "language, one, many",
    [
        ("en", "You can send it again in about 1 minute.", "You can send it again in about {} minutes."),
        ("ko", "약 1분 뒤에 다시 보낼 수 있습니다.", "약 {}분 뒤에 다시 보낼 수 있습니다."),
    ],
)
def test_the_notice_says_when_the_form_may_be_sent_again(client, library, settings, language, one, many):
    settings.ILL_SUBMIT_RATE = "0/h"

    response = client.post(URL, form_data(library, action="submit"), HTTP_ACCEPT_LANGUAGE=language)

    # The limit's window ends when django-ratelimit's count is reset: the same seconds as Retry-After.
    seconds = int(response["Retry-After"])
    assert 0 < seconds <= 3600
    minutes = -(-seconds // 60)
    assert (one if minutes == 1 else many.format(minutes)) in response.content.decode()


def test_the_notice_gives_the_ill_email_and_writes_the_telephone_as_the_footer_does(client, library, settings):
    settings.ILL_SUBMIT_RATE = "0/h"
    settings.ILL_CONTACT_EMAIL = "ill-desk@nl.example.kr"

    html = client.post(URL, form_data(library, action="submit")).content.decode()

    notice = html[html.index('id="submission-limit"'):html.index("</address>")]
    assert 'href="mailto:ill-desk@nl.example.kr">ill-desk@nl.example.kr</a>' in notice
    assert "Tel" in notice and '>(02)590-0586</a>' in notice and "(02)590-0608" in notice
    footer = html[html.index('<footer'):]
    assert '>(02)590-0586</a>' in footer and "ill-desk@nl.example.kr" in footer


def test_without_an_ill_email_set_none_is_made_up(client, library, settings):
    settings.ILL_SUBMIT_RATE = "0/h"
    settings.ILL_CONTACT_EMAIL = ""

    html = client.post(URL, form_data(library, action="submit")).content.decode()

    assert "mailto:" not in html
