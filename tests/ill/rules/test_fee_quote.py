import pytest
from django.urls import reverse

from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db
URL = reverse("ill:fee_quote")


def test_the_fee_preview_answers_the_fee_for_eleven_pages_by_post(client, source_fee_schedule):
    response = client.get(URL, {"pages": "11", "delivery": "post"})

    assert response.status_code == 200
    assert response.json() == {
        "copying_fee": "9.00",
        "shipping_fee": "3.00",
        "total": "12.00",
        "currency": "USD",
        "schedule": "USD 5.00 for 10 pages or less, USD 4.00 for each additional 10 pages; "
        "international shipping USD 3.00",
    }


def test_electronic_delivery_has_no_shipping_fee(client, source_fee_schedule):
    body = client.get(URL, {"pages": "21", "delivery": "electronic"}).json()

    assert (body["copying_fee"], body["shipping_fee"], body["total"]) == ("13.00", "0.00", "13.00")


def test_the_form_asks_with_the_ranges_as_typed_and_learns_the_page_count(client, source_fee_schedule):
    body = client.get(URL, {"ranges": "12-30, 45", "delivery": "post"}).json()

    assert (body["pages"], body["total"]) == (20, "12.00")


@pytest.mark.parametrize(
    "params, field, error",
    [
        ({"delivery": "post"}, "pages", "Give the number of pages."),
        ({"pages": "ten", "delivery": "post"}, "pages", "The number of pages must be a whole number."),
        ({"pages": "2.5", "delivery": "post"}, "pages", "The number of pages must be a whole number."),
        ({"pages": "0", "delivery": "post"}, "pages", "The number of pages must be at least 1."),
        ({"pages": "-3", "delivery": "post"}, "pages", "The number of pages must be a whole number."),
        ({"pages": "10001", "delivery": "post"}, "pages", "The number of pages must be at most 10000."),
        ({"pages": "9" * 400, "delivery": "post"}, "pages", "The number of pages must be at most 10000."),
        # More digits than Python converts to an int.
        ({"pages": "9" * 5000, "delivery": "post"}, "pages", "The number of pages must be at most 10000."),
        # Digits that str.isdigit accepts and int() does not.
        ({"pages": "²", "delivery": "post"}, "pages", "The number of pages must be a whole number."),
        ({"pages": "1²", "delivery": "post"}, "pages", "The number of pages must be a whole number."),
        ({"pages": "5"}, "delivery", "Delivery must be post or electronic."),
        ({"pages": "5", "delivery": "pigeon"}, "delivery", "Delivery must be post or electronic."),
        (
            {"ranges": "30-12", "delivery": "post"},
            "ranges",
            "The range 30-12 runs backwards: write the first page first (12-30).",
        ),
    ],
)
def test_bad_input_is_answered_with_a_400_naming_the_problem(
    client, source_fee_schedule, params, field, error
):
    response = client.get(URL, params)

    assert response.status_code == 400
    assert response.json() == {"error": error, "field": field}


def test_the_preview_is_rate_limited_per_client(client, settings, source_fee_schedule):
    settings.ILL_QUOTE_RATE = "3/m"

    statuses = [client.get(URL, {"pages": "5", "delivery": "post"}).status_code for _ in range(4)]
    other_client = client.get(URL, {"pages": "5", "delivery": "post"}, REMOTE_ADDR="192.0.2.7")

    assert statuses == [200, 200, 200, 429]
    assert other_client.status_code == 200


def test_the_library_search_finds_a_library_by_an_old_spelling_or_its_country(client, reference_data):
    by_alias = client.get(reverse("ill:library_search"), {"q": "Butan"}).json()["results"]
    by_country = client.get(reverse("ill:library_search"), {"q": "Mongolia"}).json()["results"]

    assert [r["name"] for r in by_alias] == ["National Library of Bhutan"]
    assert "National Library of Mongolia" in [r["name"] for r in by_country]


def test_a_page_count_in_other_decimal_digits_is_understood(client, source_fee_schedule):
    # Full-width digits, as a Korean or Japanese keyboard may type them.
    body = client.get(URL, {"pages": "１１", "delivery": "post"}).json()

    assert body["total"] == "12.00"


def test_leading_zeros_do_not_make_a_page_count_too_long(client, source_fee_schedule):
    body = client.get(URL, {"pages": "0" * 5000 + "11", "delivery": "post"}).json()

    assert body["total"] == "12.00"


def test_a_nul_character_in_the_library_search_is_ignored(client):
    InstitutionFactory(name_en="National Library of Bhutan", country="BT")

    response = client.get(reverse("ill:library_search"), {"q": "Bhu\x00tan"})

    assert response.status_code == 200
    assert [r["name"] for r in response.json()["results"]] == ["National Library of Bhutan"]


def _preview_total(client):
    return client.get(URL, {"pages": "11", "delivery": "post"}).json()["total"]


def _schedule_form(schedule, **changes):
    fields = {
        "effective_from": schedule.effective_from.isoformat(), "currency": schedule.currency,
        "copying_base_fee": schedule.copying_base_fee, "copying_base_pages": schedule.copying_base_pages,
        "copying_step_fee": schedule.copying_step_fee, "copying_step_pages": schedule.copying_step_pages,
        "shipping_fee": schedule.shipping_fee,
    }
    return {**fields, **changes}


def test_a_staff_edit_of_the_schedule_reaches_the_preview_at_once(
    client, admin_client, source_fee_schedule, django_capture_on_commit_callbacks
):
    assert _preview_total(client) == "12.00"
    change_url = reverse("admin:ill_feeschedule_change", args=[source_fee_schedule.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(change_url, _schedule_form(source_fee_schedule, copying_base_fee="6.50"))

    assert response.status_code == 302
    body = client.get(URL, {"pages": "11", "delivery": "post"}).json()
    assert (body["copying_fee"], body["total"]) == ("10.50", "13.50")
    assert "USD 6.50 for 10 pages or less" in body["schedule"]


def test_a_schedule_added_in_force_and_then_deleted_is_followed_by_the_preview(
    client, admin_client, source_fee_schedule, django_capture_on_commit_callbacks
):
    from ill.models import FeeSchedule
    from nlk_portal.core import calendar

    assert _preview_total(client) == "12.00"
    today = calendar.library_today().isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:ill_feeschedule_add"),
            _schedule_form(source_fee_schedule, effective_from=today, shipping_fee="4.25"),
        )
    assert _preview_total(client) == "13.25"

    newer = FeeSchedule.objects.get(effective_from=today)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:ill_feeschedule_delete", args=[newer.pk]), {"post": "yes"})
    assert not FeeSchedule.objects.filter(pk=newer.pk).exists()
    assert _preview_total(client) == "12.00"


def test_a_change_made_in_another_process_is_read_once_the_shared_version_moves(
    client, settings, source_fee_schedule
):
    from django.core.cache import cache

    from ill.models import FeeSchedule
    from ill.selectors import fees

    settings.ILL_FEE_SCHEDULE_RECHECK_SECONDS = 0
    assert _preview_total(client) == "12.00"
    # Another process's write: this process's signals never see it, the shared version tells.
    FeeSchedule.objects.filter(pk=source_fee_schedule.pk).update(shipping_fee="5.00")
    assert _preview_total(client) == "12.00"

    cache.set(fees.SCHEDULES_VERSION_KEY, "changed by another process", None)

    assert _preview_total(client) == "14.00"


def test_the_preview_limit_counts_each_client_in_its_own_window(client, settings, source_fee_schedule):
    settings.ILL_QUOTE_RATE = "2/h"
    first = [client.get(URL, {"pages": "5", "delivery": "post"}, REMOTE_ADDR="198.51.100.4").status_code
             for _ in range(3)]
    second = [client.get(URL, {"pages": "5", "delivery": "post"}, REMOTE_ADDR="198.51.100.5").status_code
              for _ in range(3)]

    assert first == second == [200, 200, 429]
    limited = client.get(URL, {"pages": "5", "delivery": "post"}, REMOTE_ADDR="198.51.100.4")
    assert limited.json() == {"error": "Too many fee previews: wait a minute.", "field": None}


def test_with_the_total_pages_the_preview_says_the_copy_is_over_the_one_third_limit(client, source_fee_schedule):
    body = client.get(URL, {"ranges": "pp. 1-120", "delivery": "post", "total_pages": "300"}).json()

    assert body["pages"] == 120
    assert body["within_copyright_limit"] is False
    assert body["most_pages_allowed"] == 99
    assert body["total_pages"] == 300


def test_a_copy_under_the_limit_is_quoted_with_the_most_pages_allowed(client, source_fee_schedule):
    body = client.get(URL, {"ranges": "41–80", "delivery": "post", "total_pages": "300"}).json()

    assert (body["pages"], body["total"]) == (40, "20.00")
    assert body["within_copyright_limit"] is True
    assert body["most_pages_allowed"] == 99


def test_exactly_one_third_is_over_the_limit_in_the_preview_too(client, source_fee_schedule):
    body = client.get(URL, {"pages": "100", "delivery": "post", "total_pages": "300"}).json()

    assert body["within_copyright_limit"] is False


def test_without_the_total_pages_or_for_a_loan_the_limit_is_not_answered(client, source_fee_schedule):
    unknown = client.get(URL, {"ranges": "1-120", "delivery": "post", "total_pages": " "}).json()
    loan = client.get(URL, {"service": "loan", "delivery": "post", "total_pages": "300"}).json()

    assert "within_copyright_limit" not in unknown and "most_pages_allowed" not in unknown
    assert "within_copyright_limit" not in loan


@pytest.mark.parametrize(
    "params, field, error",
    [
        ({"ranges": "1-5", "total_pages": "many"}, "total_pages", "The number of pages must be a whole number."),
        ({"ranges": "1-5", "total_pages": "0"}, "total_pages", "The number of pages must be at least 1."),
        ({"ranges": "395-400", "total_pages": "320"}, "ranges",
         "Page 400 is past the end of the item, which has 320 pages."),
    ],
)
def test_a_bad_total_is_answered_with_a_400_naming_it(client, source_fee_schedule, params, field, error):
    response = client.get(URL, {"delivery": "post", **params})

    assert response.status_code == 400
    assert response.json() == {"error": error, "field": field}


@pytest.mark.parametrize(
    "language, message",
    [("en", "A loan can only be sent by post."), ("ko", "대출 자료는 우편으로만 보낼 수 있습니다.")],
)
def test_a_loan_sent_electronically_is_refused_by_the_quote_as_by_the_form(
    client, source_fee_schedule, language, message
):
    response = client.get(URL, {"service": "loan", "delivery": "electronic"}, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    assert response.json() == {"error": message, "field": "delivery"}


def test_a_loan_by_post_is_quoted_its_shipping(client, source_fee_schedule):
    body = client.get(URL, {"service": "loan", "delivery": "post"}).json()

    assert (body["copying_fee"], body["shipping_fee"], body["total"]) == ("0.00", "3.00", "3.00")


@pytest.mark.parametrize(
    "ranges, language, label",
    [
        ("12", "en", "1 page"),
        ("12-13", "en", "2 pages"),
        ("1-1204", "en", "1,204 pages"),
        ("12", "ko", "1쪽"),
        ("12-13", "ko", "2쪽"),
    ],
)
def test_the_quote_names_the_pages_in_the_singular_or_the_plural(
    client, source_fee_schedule, ranges, language, label
):
    body = client.get(URL, {"ranges": ranges, "delivery": "post"}, HTTP_ACCEPT_LANGUAGE=language).json()

    assert body["pages_label"] == label


@pytest.mark.parametrize(
    "names, language, found",
    [
        (["National Library of Bhutan"], "en", "1 library found: choose yours."),
        (["National Library of Bhutan", "Bhutan University Library"], "en", "2 libraries found: choose yours."),
        (["National Library of Bhutan"], "ko", "도서관 1곳을 찾았습니다. 선택하십시오."),
    ],
)
def test_the_library_search_says_how_many_it_found_in_the_singular_or_the_plural(client, names, language, found):
    for name in names:
        InstitutionFactory(name_en=name, country="BT")

    body = client.get(reverse("ill:library_search"), {"q": "Bhutan"}, HTTP_ACCEPT_LANGUAGE=language).json()

    assert len(body["results"]) == len(names)
    assert body["found"] == found
