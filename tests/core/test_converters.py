"""Tracking tokens, references and invoice numbers in a path are matched exactly: anything else is a 404
before any view runs or any query is made."""

import secrets

import pytest
from django.urls import Resolver404, resolve, reverse

pytestmark = pytest.mark.django_db

TOKEN = secrets.token_urlsafe(32)


def named(path):
    """The test's name shows where the token goes, not the token: each process of a run draws its own."""
    return path.replace(TOKEN, "{token}").replace(TOKEN[:-1], "{token[:-1]}")


@pytest.mark.parametrize(
    "path",
    [
        f"/ill/track/{TOKEN}/",
        f"/ill/submitted/{TOKEN}/",
        f"/ill/track/{TOKEN}/invoice/INV-2026-000001.pdf",
        "/ill/my-library/ILL-2026-000123/",
        "/ill/my-library/ILL-2026-000123/invoice/INV-2026-000045.pdf",
        "/ill/borrow/requests/ILL-2026-000123/",
        "/ill/borrow/requests/ILL-2026-000123/statement.pdf",
    ],
    ids=named,
)
def test_what_the_portal_issues_resolves(path):
    resolve(path)


@pytest.mark.parametrize(
    "path",
    [
        "/ill/track/not-a-token/",
        f"/ill/track/{TOKEN}x/",
        f"/ill/track/{TOKEN[:-1]}=/",
        f"/ill/submitted/{TOKEN[:-1]}/",
        f"/ill/track/{TOKEN}/invoice/INV-2026-1.pdf",
        f"/ill/track/{TOKEN}/invoice/ILL-2026-000001.pdf",
        "/ill/my-library/ILL-2026-0001234/",
        "/ill/my-library/ill-2026-000123/",
        "/ill/my-library/ILL-2026-000123/invoice/INV-２０２６-000045.pdf",
        "/ill/borrow/requests/INV-2026-000123/",
        "/ill/borrow/requests/ILL-2026-000123 /statement.pdf",
    ],
    ids=named,
)
def test_anything_else_is_not_found_without_a_query(client, django_assert_num_queries, path):
    with pytest.raises(Resolver404):
        resolve(path)
    with django_assert_num_queries(0):
        assert client.get(path).status_code == 404


def test_reverse_builds_paths_the_converters_match():
    path = reverse("ill:track_invoice", args=[TOKEN, "INV-2026-000045"])

    assert resolve(path).kwargs == {"token": TOKEN, "number": "INV-2026-000045"}
