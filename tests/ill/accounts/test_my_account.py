"""A partner librarian or a user in Korea downloads what the portal holds about them and closes their account."""

import csv
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ill.models import IllRequest, MoneyChange, SentEmail, StatusChange
from ill.services.workflow import do_transition
from ill.status import Status
from partners.models import Librarian, LibraryUser
from tests.factories import PASSWORD, InstitutionFactory, LibrarianFactory, UserFactory, submit_ill_request
from tests.ill.borrowing.steps import borrow, work_to_delivered

pytestmark = pytest.mark.django_db

URLS = ["my_account:account", "my_account:data_json", "my_account:data_csv", "my_account:close"]

# What the portal holds of Ji-woo that nobody else has: each must leave with her account.
JIWOO = {
    "email": "jiwoo.han@example.kr",
    "first_name": "Jiwoo",
    "last_name": "Hanbit",
    "phone": "010-2468-1357",
    "postal_address": "서울특별시 서초구 반포대로 201 지우네",
    "notes": "Please call Jiwoo before noon",
}
MINHO = {
    "email": "minho.seo@example.kr",
    "first_name": "Minho",
    "last_name": "Seobong",
    "phone": "010-9999-0000",
    "postal_address": "부산광역시 해운대구 민호로 7",
    "notes": "Minho asks for a scan",
}


def user_in_korea(person):
    user = UserFactory(
        username=person["email"], email=person["email"], first_name=person["first_name"],
        last_name=person["last_name"],
    )
    LibraryUser.objects.create(
        user=user, phone=person["phone"], postal_address=person["postal_address"],
        email_confirmed_at=timezone.now(),
    )
    return user


def borrowing_of(user, person, lender, capture):
    with capture(execute=True):  # the acknowledgement is sent and recorded
        return borrow(user, lender, postal_address=person["postal_address"], notes=person["notes"])


@pytest.fixture
def jiwoo(db):
    return user_in_korea(JIWOO)


@pytest.fixture
def minho(db):
    return user_in_korea(MINHO)


@pytest.fixture
def both_borrow(jiwoo, minho, lender, source_fee_schedule, django_capture_on_commit_callbacks):
    mine = borrowing_of(jiwoo, JIWOO, lender, django_capture_on_commit_callbacks)
    theirs = borrowing_of(minho, MINHO, lender, django_capture_on_commit_callbacks)
    return mine, theirs


def others_values(body, person, ill_request):
    """Which of another person's values (and their request's reference) a download shows."""
    values = [person[key] for key in ("email", "first_name", "last_name", "phone", "postal_address", "notes")]
    return [value for value in [*values, ill_request.reference] if value in body]


def test_the_json_download_holds_the_users_data_and_nothing_of_anyone_else(client, jiwoo, both_borrow):
    mine, theirs = both_borrow
    client.force_login(jiwoo)

    response = client.get(reverse("my_account:data_json"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].endswith('.json"')
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    body = response.content.decode()
    data = json.loads(body)
    assert data["account"]["email"] == JIWOO["email"]
    assert data["account"]["last_name"] == JIWOO["last_name"]
    [profile] = data["account"]["library_user"]
    assert profile["phone"] == JIWOO["phone"] and profile["postal_address"] == JIWOO["postal_address"]
    [request] = data["requests"]
    assert request["reference"] == mine.reference
    assert request["postal_address"] == JIWOO["postal_address"] and request["notes"] == JIWOO["notes"]
    assert request["status"] == Status.REQUEST_RECEIVED
    assert [change["to_status"] for change in request["history"]] == [Status.REQUEST_RECEIVED]
    [borrowing] = request["borrowing"]
    assert borrowing["lender_country"] == "DE" and borrowing["max_amount"] == "50000.00"
    assert [(email["kind"], email["recipient"]) for email in request["emails"]] == [
        ("acknowledgement", JIWOO["email"])
    ]
    assert others_values(body, MINHO, theirs) == []


def test_the_csv_download_holds_the_users_data_and_nothing_of_anyone_else(client, jiwoo, both_borrow):
    mine, theirs = both_borrow
    client.force_login(jiwoo)

    response = client.post(reverse("my_account:data_csv"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(body)))
    assert len(header) == 4
    values = {(reference, value) for _record, reference, _field, value in rows}
    assert ("", JIWOO["email"]) in values and ("", JIWOO["phone"]) in values
    assert (mine.reference, JIWOO["postal_address"]) in values
    assert (mine.reference, JIWOO["notes"]) in values
    assert (mine.reference, JIWOO["email"]) in values  # the request's contact email, and the email sent to it
    assert others_values(body, MINHO, theirs) == []


def test_a_partner_librarian_downloads_the_requests_they_sent_and_not_their_colleagues(client, source_fee_schedule):
    library = InstitutionFactory(name_en="Bibliothèque de test")
    marie = LibrarianFactory(institution=library, user__email="marie@bib.example.org", library_named="BnT").user
    paul = LibrarianFactory(institution=library, user__email="paul@bib.example.org").user
    hers = submit_ill_request(
        requesting_library=library, submitted_by=marie, contact_name="Marie Dupont", email=marie.email
    )
    his = submit_ill_request(
        requesting_library=library, submitted_by=paul, contact_name="Paul Lemaire", email=paul.email,
        postal_address="12 avenue Paul",
    )
    client.force_login(marie)

    body = client.get(reverse("my_account:data_json")).content.decode()

    data = json.loads(body)
    assert data["account"]["partner_librarian"][0]["library_named"] == "BnT"
    assert [request["reference"] for request in data["requests"]] == [hers.reference]
    assert data["requests"][0]["requesting_library"] == str(library)
    assert [leak for leak in ("Paul Lemaire", paul.email, "12 avenue Paul", his.reference) if leak in body] == []


def test_anonymous_readers_are_sent_to_log_in(client):
    for name in URLS:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_staff_accounts_are_not_closed_here(client, kim):
    client.force_login(kim)

    assert client.get(reverse("my_account:account")).status_code == 403
    response = client.post(reverse("my_account:close"), {"password": PASSWORD})

    assert response.status_code == 403
    assert get_user_model().objects.filter(pk=kim.pk).exists()


def snapshot(ill_request):
    return IllRequest.objects.filter(pk=ill_request.pk).values().get()


def test_closing_is_refused_with_the_open_requests_and_changes_nothing(client, jiwoo, both_borrow):
    mine, _theirs = both_borrow
    before = snapshot(mine)
    client.force_login(jiwoo)

    page = client.get(reverse("my_account:close"))
    response = client.post(reverse("my_account:close"), {"password": PASSWORD})

    assert mine.reference in page.content.decode() and 'name="password"' not in page.content.decode()
    assert response.status_code == 409
    assert mine.reference in response.content.decode()
    assert "아직 처리 중입니다" in response.content.decode()  # the reason, in Korean for a user in Korea
    assert snapshot(mine) == before
    jiwoo.refresh_from_db()
    assert jiwoo.is_active and jiwoo.email == JIWOO["email"]
    assert LibraryUser.objects.get(user=jiwoo).phone == JIWOO["phone"]
    assert client.get(reverse("my_account:account")).status_code == 200  # still signed in


def test_closing_asks_for_the_password_again(client, jiwoo):
    client.force_login(jiwoo)

    response = client.post(reverse("my_account:close"), {"password": "not the password"})

    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert get_user_model().objects.filter(pk=jiwoo.pk, is_active=True).exists()


def database_dump():
    out = io.StringIO()
    call_command("dumpdata", "--natural-foreign", exclude=["exchange.ReportPermission"], stdout=out)
    return json.dumps(json.loads(out.getvalue()), ensure_ascii=False)


def test_closing_with_only_finished_requests_removes_the_personal_data_and_the_login(
    client, jiwoo, both_borrow, lender, django_capture_on_commit_callbacks, kim
):
    mine, theirs = both_borrow
    do_transition(mine, Status.CANCELLED, by=kim, note="Cancelled at the user's request")
    with django_capture_on_commit_callbacks(execute=True):
        second = borrow(jiwoo, lender, postal_address=JIWOO["postal_address"], notes=JIWOO["notes"])
    second = work_to_delivered(second, by=kim)
    assert second.status == Status.COPY_COMPLETED
    kept = {
        r.pk: (r.reference, r.status, r.requesting_library_id, r.received_at, r.due_date, r.copying_fee)
        for r in (mine, second)
    }
    history = {r.pk: list(StatusChange.objects.filter(request=r).values_list("to_status", "changed_at")) for r in (mine, second)}
    money = list(MoneyChange.objects.filter(request=second).values_list("figure", "new_amount", "new_currency"))
    prepaid = (second.borrowing.prepaid_amount, second.borrowing.lender_copying_fee)
    assert money and JIWOO["postal_address"] in database_dump()
    client.force_login(jiwoo)

    response = client.post(reverse("my_account:close"), {"password": PASSWORD})

    assert response.status_code == 200
    assert "계정이 해지되었습니다" in response.content.decode()
    dump = database_dump()
    assert [key for key, value in JIWOO.items() if value in dump] == []
    assert not get_user_model().objects.filter(pk=jiwoo.pk).exists()
    assert not LibraryUser.objects.filter(pk=jiwoo.library_user.pk).exists()
    assert not SentEmail.objects.filter(recipient__iexact=JIWOO["email"]).exists()
    for ill_request in IllRequest.objects.filter(pk__in=kept):
        assert (
            ill_request.reference, ill_request.status, ill_request.requesting_library_id,
            ill_request.received_at, ill_request.due_date, ill_request.copying_fee,
        ) == kept[ill_request.pk]
        assert list(ill_request.history.values_list("to_status", "changed_at")) == history[ill_request.pk]
    assert IllRequest.objects.filter(pk__in=kept).count() == 2
    assert list(MoneyChange.objects.filter(request=second).values_list("figure", "new_amount", "new_currency")) == money
    second.borrowing.refresh_from_db()
    assert (second.borrowing.prepaid_amount, second.borrowing.lender_copying_fee) == prepaid
    # Minho's request keeps everything of his.
    assert snapshot(theirs)["postal_address"] == MINHO["postal_address"]
    # The login no longer works, and the session has ended.
    assert client.get(reverse("my_account:account")).status_code == 302
    login = client.post(reverse("accounts:login"), {"username": JIWOO["email"], "password": PASSWORD})
    assert login.status_code == 200 and "_auth_user_id" not in client.session


def test_the_pages_are_korean_first_for_a_user_in_korea_and_english_for_a_librarian(client, jiwoo):
    client.force_login(jiwoo)
    korean = client.get(reverse("my_account:account")).content.decode()
    closing = client.get(reverse("my_account:close")).content.decode()
    client.force_login(LibrarianFactory().user)
    english = client.get(reverse("my_account:account")).content.decode()

    assert "<h1 class=\"h3\">내 계정</h1>" in korean and "내 데이터 내려받기 (JSON)" in korean
    assert "계정 해지" in closing and '<label class="form-label" for="id_password">' in closing
    assert "<h1 class=\"h3\">Your account</h1>" in english and "Download my data (CSV)" in english


def test_librarian_profiles_go_with_a_closed_account(client):
    marie = LibrarianFactory(user__email="marie@bib.example.org", library_named="Bibliothèque de Marie").user
    client.force_login(marie)

    client.post(reverse("my_account:close"), {"password": PASSWORD})

    assert not Librarian.objects.filter(library_named="Bibliothèque de Marie").exists()
    assert not get_user_model().objects.filter(email="marie@bib.example.org").exists()
