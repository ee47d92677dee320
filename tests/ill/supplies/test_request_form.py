import pytest
from django.urls import reverse

from ill.models import IllRequest
from tests.factories import InstitutionFactory
from tests.ill.forms import form_data

pytestmark = pytest.mark.django_db
URL = reverse("ill:request")


@pytest.fixture
def library(source_fee_schedule):
    return InstitutionFactory(name_en="Bibliothèque nationale de France", country="FR")


def review(client, library, **overrides):
    return client.post(URL, form_data(library, **overrides))


def errors_of(response):
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def test_the_form_shows_the_payment_terms_and_processing_time_before_anything_is_sent(client, library):
    html = client.get(URL).content.decode()

    assert "Payment may only be made in cash (USD). Cheques are not accepted." in html
    assert "Processing time: one month." in html
    assert "less than one third of the entire contents" in html


def test_a_complete_form_leads_to_a_review_with_the_fee_and_nothing_is_saved_yet(client, library):
    response = review(client, library)

    html = response.content.decode()
    assert response.templates[0].name == "ill/request_review.html"
    assert "USD 9.00" in html and "USD 3.00" in html and "USD 12.00" in html
    assert "20 pages" in html
    assert "Cheques are not accepted." in html
    assert IllRequest.objects.count() == 0


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"contact_name": ""}, "contact_name", "This field is required."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"title": ""}, "title", "Enter the title of the book."),
        ({"item_type": "article"}, "article_title", "Enter the title of the article."),
        ({"item_type": "article"}, "serial_title", "Enter the title of the serial the article appeared in."),
        (
            {"isbn": "978-89-364-3456-1"},
            "isbn",
            "The check digit of this ISBN is wrong: please copy the number again.",
        ),
        ({"isbn": "12345"}, "isbn", "This is not a valid ISBN."),
        (
            {"issn": "0317-8472"},
            "issn",
            "The check digit of this ISSN is wrong: please copy the number again.",
        ),
        ({"year": "94"}, "year", "Enter the year of publication with four digits, for example 2019."),
        ({"pages_wanted": ""}, "pages_wanted", "Enter the pages you want, for example 12-30, 45."),
        (
            {"pages_wanted": "30-12"},
            "pages_wanted",
            "The range 30-12 runs backwards: write the first page first (12-30).",
        ),
        (
            {"pages_wanted": "1-120"},
            "pages_wanted",
            "To respect copyright a copy must be less than one third of the item: "
            "at most 106 of its 320 pages, and you asked for 120.",
        ),
        (
            {"delivery": "post", "postal_address": ""},
            "postal_address",
            "Enter the postal address to send the material to.",
        ),
        ({"service": "loan", "delivery": "electronic"}, "delivery", "A loan can only be sent by post."),
        (
            {"max_cost_usd": "10.00"},
            "max_cost_usd",
            "The estimated fee is USD 12.00, more than the 10.00 your library will pay.",
        ),
        (
            {"confirms_published_in_korea": False},
            "confirms_published_in_korea",
            "NLK supplies only material published or issued in Korea: please confirm.",
        ),
        (
            {"confirms_not_available_elsewhere": False},
            "confirms_not_available_elsewhere",
            "NLK supplies only material not available elsewhere: please confirm.",
        ),
        (
            {"requesting_library": ""},
            "requesting_library",
            "Choose your library, or enter its name below if it is not listed.",
        ),
        (
            {"new_library_name": "Another Library"},
            "new_library_name",
            "Choose your library from the directory or enter a new one, not both.",
        ),
        (
            {"requesting_library": "", "new_library_name": "Ulaanbaatar Library"},
            "new_library_country",
            "Enter the country of your library.",
        ),
        ({"total_pages": "99999"}, "total_pages", "Ensure this value is less than or equal to 10000."),
    ],
)
def test_each_mistake_is_explained_next_to_its_field(client, library, overrides, field, message):
    response = review(client, library, **overrides)

    assert message in errors_of(response).get(field, []), errors_of(response)
    assert IllRequest.objects.count() == 0


def test_errors_are_summarised_at_the_top_with_links_to_their_fields(client, library):
    html = review(client, library, title="", isbn="978-89-364-3456-1").content.decode()

    assert 'id="error-summary"' in html
    assert (
        '<a class="alert-link" href="#id_title">Title of the book: Enter the title of the book.</a>' in html
    )
    assert 'aria-describedby="id_isbn_helptext id_isbn_error"' in html
    assert 'id="id_isbn_error"' in html


def test_an_isbn_is_kept_in_its_compact_form(client, library):
    response = review(client, library, isbn="978-89-364-3456-4")

    assert response.context["form"].cleaned_data["isbn"] == "9788936434564"


def test_a_copy_without_the_total_pages_is_accepted_with_a_note_that_staff_will_check(client, library):
    html = review(client, library, total_pages="").content.decode()

    assert "staff will check the one-third copyright limit before copying" in html


def test_oversized_input_is_refused_with_a_message(client, library):
    response = review(client, library, title="가" * 600, notes="x" * 5000)

    errors = errors_of(response)
    assert response.status_code == 200
    assert "Ensure this value has at most 500 characters (it has 600)." in errors["title"]
    assert "Ensure this value has at most 2000 characters (it has 5000)." in errors["notes"]


def test_a_body_too_large_for_the_server_is_refused_not_crashed(client, library):
    response = review(client, library, notes="x" * 3_000_000)

    assert response.status_code == 400


def test_the_honeypot_stops_a_bot_that_fills_every_field(client, library):
    response = client.post(URL, form_data(library, action="submit", referrer_code="http://spam.example"))

    assert "This request could not be accepted." in response.content.decode()
    assert IllRequest.objects.count() == 0


def test_titles_in_any_script_are_kept_exactly_and_shown_escaped(client, library):
    title = "<script>alert(1)</script> 朝鮮王朝實錄 Корея تاريخ 한국사"
    html = review(client, library, title=title).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 朝鮮王朝實錄 Корея تاريخ 한국사" in html


def test_the_form_speaks_korean(client, library):
    client.post(reverse("set_language"), {"language": "ko"})

    form_html = client.get(URL).content.decode()
    errors = errors_of(
        review(client, library, title="", isbn="978-89-364-3456-1", confirms_published_in_korea=False)
    )

    assert "도서명" in form_html
    assert "현금(미화)으로만" in form_html
    assert errors["title"] == ["도서명을 입력하십시오."]
    assert errors["isbn"] == ["ISBN의 체크기호가 맞지 않습니다. 번호를 다시 확인해 주십시오."]
    assert errors["confirms_published_in_korea"] == [
        "국립중앙도서관은 한국에서 발행된 자료만 제공합니다. 확인해 주십시오."
    ]
