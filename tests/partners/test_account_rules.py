"""The accounts' policy as values: the account id a confirmation link carries."""

import pytest
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from partners.rules.accounts import MAX_USER_ID, user_id_in_link


def link_id(text):
    return urlsafe_base64_encode(force_bytes(text))


@pytest.mark.parametrize("user_id", [1, 42, MAX_USER_ID])
def test_the_id_a_link_of_ours_carries_is_read(user_id):
    assert user_id_in_link(link_id(str(user_id))) == user_id


@pytest.mark.parametrize(
    "uidb64",
    [
        "!!!",  # not base64
        link_id(""),
        link_id("abc"),
        link_id("-1"),
        link_id("²"),
        link_id("١"),  # a digit int() reads, which no link of ours writes
        link_id(str(MAX_USER_ID + 1)),  # more than a primary key holds
        link_id("9" * 5000),
    ],
)
def test_anything_else_carries_no_id(uidb64):
    assert user_id_in_link(uidb64) is None


@pytest.mark.django_db
def test_a_link_with_an_id_no_account_has_fails(client):
    response = client.get(f"/accounts/confirm/{link_id(str(MAX_USER_ID + 1))}/abc-def/")

    assert response.status_code == 400
