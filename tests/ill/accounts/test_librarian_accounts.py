import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.http import HttpRequest
from django.urls import reverse

from partners.models import Librarian
from tests.factories import InstitutionFactory, LibrarianFactory, submit_ill_request

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def register(client, email="sun-hee.park@snu.example.ac.kr"):
    return client.post(
        reverse("accounts:register"),
        {
            "full_name": "Sun-hee Park",
            "email": email,
            "library_named": "Seoul National University Library",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def confirmation_link(message):
    return re.search(r"https?://\S+/accounts/confirm/\S+/", message.body)[0].split("/accounts/", 1)[1]


def test_a_librarian_registers_confirms_the_email_and_logs_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client)

    assert "We have sent a link to sun-hee.park@snu.example.ac.kr" in response.content.decode()
    user = get_user_model().objects.get(email="sun-hee.park@snu.example.ac.kr")
    assert user.is_active is False
    assert not client.login(request=HttpRequest(), username=user.username, password=PASSWORD)

    confirmed = client.get("/accounts/" + confirmation_link(mail.outbox[0]), follow=True)
    assert "Your email is confirmed" in confirmed.content.decode()
    assert Librarian.objects.get(user=user).is_confirmed

    logged_in = client.post(
        reverse("accounts:login"), {"username": "Sun-Hee.Park@snu.example.ac.kr", "password": PASSWORD}
    )
    assert logged_in["Location"] == reverse("ill:library_requests")


def test_the_confirmation_email_waits_in_the_outbox_until_the_registration_commits(
    client, django_capture_on_commit_callbacks
):
    from nlk_portal.outbox.models import OutboxEntry

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        register(client)
    [entry] = OutboxEntry.objects.filter(task_name="partners.tasks.send_email_confirmation")
    assert entry.state == "pending" and not mail.outbox

    for callback in callbacks:
        callback()
    entry.refresh_from_db()
    assert entry.state == "done"
    [message] = mail.outbox
    assert message.to == ["sun-hee.park@snu.example.ac.kr"]


def test_a_confirmation_link_works_once_and_cannot_be_forged(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(client)
    link = "/accounts/" + confirmation_link(mail.outbox[0])

    assert client.get(link[:-2] + "x/").status_code == 400
    assert client.get(link).status_code == 302
    assert client.get(link).status_code == 400


def test_an_email_can_register_only_once(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(client)

    again = register(client, email="SUN-HEE.PARK@snu.example.ac.kr")

    assert "We have sent a link to SUN-HEE.PARK@snu.example.ac.kr" in again.content.decode()
    assert get_user_model().objects.filter(email__iexact="sun-hee.park@snu.example.ac.kr").count() == 1


def test_an_unlinked_librarian_is_told_staff_will_link_the_library(client):
    client.force_login(LibrarianFactory().user)

    html = client.get(reverse("ill:library_requests")).content.decode()

    assert "Your account is not linked to a library yet." in html


def test_a_linked_librarian_sees_every_request_of_the_library_and_no_other(client, source_fee_schedule):
    library, other = InstitutionFactory(name_en="SOAS Library"), InstitutionFactory(name_en="Other Library")
    ours = [submit_ill_request(requesting_library=library, title=t) for t in ("책 하나", "책 둘")]
    theirs = submit_ill_request(requesting_library=other, title="Not yours")
    client.force_login(LibrarianFactory(institution=library).user)

    html = client.get(reverse("ill:library_requests")).content.decode()
    detail = client.get(reverse("ill:library_request", args=[ours[0].reference]))
    stolen = client.get(reverse("ill:library_request", args=[theirs.reference]))

    assert all(r.reference in html and r.title in html for r in ours)
    assert theirs.reference not in html
    assert detail.status_code == 200 and "책 하나" in detail.content.decode()
    assert stolen.status_code == 404


def test_a_new_request_starts_with_the_library_details_filled_in(client, source_fee_schedule):
    library = InstitutionFactory(name_en="SOAS Library", address="Thornhaugh Street\nLondon WC1H 0XG")
    librarian = LibrarianFactory(institution=library, user__email="ill@soas.example.ac.uk")
    client.force_login(librarian.user)

    form = client.get(reverse("ill:request")).context["form"]

    assert form.initial["requesting_library"] == library.pk
    assert form.initial["email"] == "ill@soas.example.ac.uk"
    assert form.initial["contact_name"] == "Sun-hee Park"
    assert form.initial["postal_address"] == "Thornhaugh Street\nLondon WC1H 0XG"


def test_staff_link_a_librarian_to_an_institution_in_the_admin(admin_client):
    librarian = LibrarianFactory()
    library = InstitutionFactory(name_en="SOAS Library")

    response = admin_client.post(
        reverse("admin:partners_librarian_change", args=[librarian.pk]), {"institution": library.pk}
    )

    librarian.refresh_from_db()
    assert response.status_code == 302
    assert librarian.institution == library


def test_the_list_needs_a_login(client):
    response = client.get(reverse("ill:library_requests"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("form", ["accounts:register", "accounts:register_korea"])
def test_registrations_from_one_address_are_limited(client, settings, form):
    settings.ACCOUNTS_REGISTER_RATE = "1/h"
    details = {
        "full_name": "Sun-hee Park", "library_named": "Seoul National University Library",
        "phone": "02-880-5114", "postal_address": "서울특별시 관악구 관악로 1",
        "password1": PASSWORD, "password2": PASSWORD, "privacy_consent": "on",
    }

    first = client.post(reverse(form), {**details, "email": "first@example.org"})
    second = client.post(reverse(form), {**details, "email": "second@example.org"})

    assert first.status_code == 200
    assert second.status_code == 429
    assert list(get_user_model().objects.values_list("email", flat=True)) == ["first@example.org"]
