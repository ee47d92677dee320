"""Each link an account is emailed works once: its token signs the account's state, which using it changes,
so the token no longer checks, and the page refuses the link the second time."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse

from partners.rules.accounts import confirmation_tokens
from tests.factories import LibrarianFactory, UserFactory

from .registration import link_in, register

pytestmark = pytest.mark.django_db
User = get_user_model()
EMAIL = "sun-hee.park@snu.example.ac.kr"
NEW_PASSWORD = "a brand new pass phrase 7"


def token_of(link):
    """The token of a link ending in /<uidb64>/<token>/."""
    return link.rstrip("/").rsplit("/", 1)[1]


@pytest.mark.parametrize("form", ["accounts:register", "accounts:register_korea"])
def test_an_email_confirmation_link_works_once(client, form, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, EMAIL, form=form)
    link = link_in(mail.outbox[0], "/accounts/confirm/")
    user = User.objects.get(email=EMAIL)
    assert confirmation_tokens.check_token(user, token_of(link))

    assert client.get(link).status_code == 302
    client.logout()

    used = User.objects.get(email=EMAIL)
    assert used.is_active
    assert not confirmation_tokens.check_token(used, token_of(link))
    assert client.get(link).status_code == 400


def test_a_password_link_works_once(client, django_capture_on_commit_callbacks):
    LibrarianFactory(user=UserFactory(username=EMAIL, email=EMAIL))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": EMAIL})
    link = link_in(mail.outbox[0], "/accounts/password/reset/")
    assert default_token_generator.check_token(User.objects.get(email=EMAIL), token_of(link))

    form = client.get(link, follow=True)
    saved = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert saved.status_code == 302

    assert not default_token_generator.check_token(User.objects.get(email=EMAIL), token_of(link))
    again = client.get(link, follow=True)
    assert "This link does not work" in again.content.decode()
    refused = client.post(form.redirect_chain[-1][0], {"new_password1": "yet another phrase 99",
                                                        "new_password2": "yet another phrase 99"})
    assert refused.status_code == 200
    assert User.objects.get(email=EMAIL).check_password(NEW_PASSWORD)
