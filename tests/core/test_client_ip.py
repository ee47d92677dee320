"""Rate limits count clients: by the proxy's header behind a trusted proxy, by the connection anywhere else."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from nlk_portal.core.client_ip import client_ip

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def behind_proxy(settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"


def register(client, email, **headers):
    details = {
        "full_name": "Sun-hee Park", "email": email, "library_named": "Seoul National University Library",
        "password1": PASSWORD, "password2": PASSWORD,
    }
    return client.post(reverse("accounts:register"), details, headers=headers)


@pytest.mark.django_db
def test_without_a_trusted_proxy_a_client_cannot_pass_for_another_by_a_header(client, settings):
    settings.ACCOUNTS_REGISTER_RATE = "1/h"

    first = register(client, "first@example.org", x_real_ip="198.51.100.1")
    second = register(client, "second@example.org", x_real_ip="198.51.100.2")

    assert first.status_code == 200
    assert second.status_code == 429


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_is_counted_by_its_own_address(client, settings, behind_proxy):
    settings.ACCOUNTS_REGISTER_RATE = "1/h"

    first = register(client, "first@example.org", x_real_ip="198.51.100.1")
    other_client = register(client, "second@example.org", x_real_ip="198.51.100.2")
    first_again = register(client, "third@example.org", x_real_ip="198.51.100.1")

    assert first.status_code == other_client.status_code == 200
    assert first_again.status_code == 429


def test_of_a_forwarded_list_the_address_the_proxy_added_counts(settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_FORWARDED_FOR"
    request = RequestFactory().get("/", headers={"x-forwarded-for": "10.0.0.1, 203.0.113.9"})

    assert client_ip(request) == "203.0.113.9"


@pytest.mark.parametrize("header", ["", "not an address", "\x00", "2001:db8::1%eth0; drop"])
def test_a_missing_or_unusable_header_counts_as_the_proxy(settings, header):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    request = RequestFactory().get("/", headers={"x-real-ip": header}, REMOTE_ADDR="192.0.2.10")

    assert client_ip(request) == "192.0.2.10"
