"""Staff keep the partner ILL systems in the admin: an address typed without its scheme is taken as https."""

import importlib

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from partners.models import Iso18626Peer
from tests.factories import InstitutionFactory

ISO18626_MIGRATION = importlib.import_module("ill.migrations.0020_iso18626_messages")
ADMINISTRATORS_MIGRATION = importlib.import_module("partners.migrations.0008_iso18626_administrators")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def iso18626_permissions(staff_groups, kim):
    """Kim of ILL staff is also one of the ISO 18626 administrators, who register peers."""
    ISO18626_MIGRATION.give_groups_iso18626_permissions(Group.objects, Permission.objects)
    ADMINISTRATORS_MIGRATION.give_iso18626_administrators_their_permissions(Group.objects, Permission.objects)
    kim.groups.add(Group.objects.get(name="ISO 18626 administrators"))


def add_peer(client, institution, endpoint):
    return client.post(reverse("admin:partners_iso18626peer_add"), {
        "institution": institution.pk, "agency_id_type": "ISIL", "agency_id_value": "DK-710100",
        "endpoint_url": endpoint, "messages_on": "on",
    })


def test_an_endpoint_typed_without_a_scheme_is_kept_as_https(kim_client):
    library = InstitutionFactory(name_en="Royal Danish Library", country="DK")

    response = add_peer(kim_client, library, "ill.kb.dk/iso18626")

    assert response.status_code == 302
    assert Iso18626Peer.objects.get().endpoint_url == "https://ill.kb.dk/iso18626"


def test_an_endpoint_given_with_http_keeps_it(kim_client):
    library = InstitutionFactory(name_en="Royal Danish Library", country="DK")

    add_peer(kim_client, library, "http://127.0.0.1:8080/iso18626")

    assert Iso18626Peer.objects.get().endpoint_url == "http://127.0.0.1:8080/iso18626"


def test_an_endpoint_of_another_scheme_is_refused_with_the_reason(kim_client):
    library = InstitutionFactory(name_en="Royal Danish Library", country="DK")

    response = add_peer(kim_client, library, "ftp://ill.kb.dk/iso18626")

    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert not Iso18626Peer.objects.exists()


def test_an_institutions_website_typed_without_a_scheme_is_kept_as_https(admin_client):
    library = InstitutionFactory(name_en="Royal Danish Library", country="DK", key="kb")
    url = reverse("admin:partners_institution_change", args=[library.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({
        "website": "www.kb.dk", "aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0",
        "iso18626_peer-TOTAL_FORMS": "0", "iso18626_peer-INITIAL_FORMS": "0",
    })

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    library.refresh_from_db()
    assert library.website == "https://www.kb.dk"
