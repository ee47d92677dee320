"""A chapter of a book has its own title and author, from the forms to the staff's list and the invoice."""

import pytest
from django.urls import reverse

from ill.models import IllRequest, Invoice
from tests.factories import InstitutionFactory, LibrarianFactory, submit_ill_request
from tests.ill.borrowing.test_copy_rule import form_data as borrowing_form_data
from tests.ill.forms import form_data
from tests.ill.pdf_reading import pdf_text
from tests.ill.supply import supply_copy

pytestmark = pytest.mark.django_db
CHAPTER = {"part_title": "식민지 시대의 시", "part_author": "김현"}


@pytest.fixture
def library(source_fee_schedule):
    return InstitutionFactory(name_en="SOAS Library", country="GB")


def test_a_librarian_asks_for_a_chapter_with_its_own_title_and_author(client, library):
    response = client.post(reverse("ill:request"), form_data(library, action="submit", **CHAPTER))

    ill_request = IllRequest.objects.get()
    assert response.status_code == 302
    assert (ill_request.part_title, ill_request.part_author) == ("식민지 시대의 시", "김현")
    assert ill_request.title == "한국 근대 문학사"


def test_the_review_shows_the_chapter_before_anything_is_sent(client, library):
    html = client.post(reverse("ill:request"), form_data(library, **CHAPTER)).content.decode()

    assert "Chapter or part" in html and "식민지 시대의 시" in html and "김현" in html


def test_an_article_keeps_no_chapter_fields(client, library):
    data = form_data(
        library, action="submit", item_type="article", title="", article_title="시와 역사",
        serial_title="창작과비평", **CHAPTER,
    )
    client.post(reverse("ill:request"), data)

    assert IllRequest.objects.values_list("part_title", "part_author").get() == ("", "")


def test_the_fields_are_named_as_iso_18626_names_them():
    assert str(IllRequest._meta.get_field("part_title").verbose_name) == "title of the part (chapter or article)"
    assert str(IllRequest._meta.get_field("part_author").verbose_name) == "author of the part"


def test_the_tracking_page_and_the_librarians_page_show_the_chapter(client, library):
    ill_request = submit_ill_request(requesting_library=library, **CHAPTER)
    client.force_login(LibrarianFactory(institution=library).user)

    tracking = client.get(reverse("ill:track", args=[ill_request.tracking_token])).content.decode()
    librarian = client.get(reverse("ill:library_request", args=[ill_request.reference])).content.decode()

    for html in (tracking, librarian):
        assert "식민지 시대의 시" in html and "김현" in html


@pytest.mark.django_db(transaction=True)
def test_the_invoice_names_the_chapter_supplied(source_fee_schedule):
    ill_request = supply_copy(pages_copied=12, **CHAPTER)

    text = pdf_text(Invoice.objects.get(request=ill_request).pdf.read())

    assert "식민지 시대의 시" in text and "김현" in text


def test_staff_see_the_chapter_in_the_list_and_find_the_request_by_it(client, kim, library):
    chapter = submit_ill_request(requesting_library=library, **CHAPTER)
    submit_ill_request(requesting_library=library)
    client.force_login(kim)
    changelist = reverse("admin:ill_illrequest_changelist")

    by_title = client.get(changelist, {"q": "식민지 시대"})
    by_author = client.get(changelist, {"q": "김현"})
    page = client.get(reverse("admin:ill_illrequest_change", args=[chapter.pk])).content.decode()

    assert [r.reference for r in by_title.context["cl"].result_list] == [chapter.reference]
    assert [r.reference for r in by_author.context["cl"].result_list] == [chapter.reference]
    assert "식민지 시대의 시" in by_title.content.decode()
    assert 'name="part_title"' in page and 'name="part_author"' in page


def test_a_user_in_korea_asks_for_a_chapter_and_sees_it_on_their_page(
    client, jiwoo, lender, source_fee_schedule
):
    client.force_login(jiwoo)
    data = borrowing_form_data(
        lender, item_type="monograph", title="Korea in the World", article_title="", serial_title="",
        part_title="The Exiles' Press", part_author="Anna Müller",
    )

    client.post(reverse("ill:borrow"), data)
    ill_request = IllRequest.objects.get()
    html = client.get(reverse("ill:borrowing_request", args=[ill_request.reference])).content.decode()

    assert (ill_request.part_title, ill_request.part_author) == ("The Exiles' Press", "Anna Müller")
    assert "The Exiles&#x27; Press" in html and "Anna Müller" in html
