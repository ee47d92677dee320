"""In production a peer's endpoint is refused when it is saved unless it is https on a public address (or on a
network listed in ILL_ISO18626_ALLOWED_NETWORKS): in the admin, by `manage.py iso18626_peer`, by the model."""

import importlib
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from partners.models import Iso18626Peer
from tests.factories import InstitutionFactory

ISO18626_MIGRATION = importlib.import_module("ill.migrations.0020_iso18626_messages")

pytestmark = pytest.mark.django_db
NOT_ALLOWED = "The endpoint&#x27;s host is on an address NLK may not send to"


@pytest.fixture
def public_only(settings):
    settings.ILL_ISO18626_REQUIRE_PUBLIC_ENDPOINTS = True
    settings.ILL_ISO18626_ALLOWED_NETWORKS = []
    return settings


def peer(endpoint):
    return Iso18626Peer(
        institution=InstitutionFactory(), agency_id_type="ISIL", agency_id_value="DK-710100", endpoint_url=endpoint
    )


@pytest.mark.parametrize(
    "endpoint",
    ["https://127.0.0.1:6379/", "https://localhost/iso18626", "https://169.254.169.254/latest/meta-data/",
     "https://10.1.2.3/iso18626", "https://[::1]/iso18626", "https://[::ffff:127.0.0.1]/iso18626",
     "https://0.0.0.0/iso18626", "https://[fd00::1]/iso18626"],
)
def test_an_endpoint_on_an_address_not_public_is_refused(public_only, endpoint):
    with pytest.raises(ValidationError) as refused:
        peer(endpoint).full_clean()

    assert "may not send to" in " ".join(refused.value.message_dict["endpoint_url"])


def test_an_endpoint_on_plain_http_is_refused(public_only):
    with pytest.raises(ValidationError) as refused:
        peer("http://93.184.215.14/iso18626").full_clean()

    assert refused.value.message_dict["endpoint_url"] == ["The endpoint must be an https address."]


def test_a_public_https_endpoint_and_one_on_a_listed_network_are_kept(public_only):
    peer("https://93.184.215.14/iso18626").full_clean()
    public_only.ILL_ISO18626_ALLOWED_NETWORKS = ["127.0.0.0/8", "fd00::/8"]
    peer("https://localhost:8443/iso18626").full_clean()
    peer("https://[fd00::1]/iso18626").full_clean()


def test_staff_are_told_in_the_admin_and_nothing_is_kept(public_only, kim, kim_client, staff_groups):
    ISO18626_MIGRATION.give_groups_iso18626_permissions(Group.objects, Permission.objects)
    kim.groups.add(Group.objects.get(name="ISO 18626 administrators"))
    library = InstitutionFactory()

    response = kim_client.post(reverse("admin:partners_iso18626peer_add"), {
        "institution": library.pk, "agency_id_type": "ISIL", "agency_id_value": "DK-710100",
        "endpoint_url": "https://127.0.0.1:6379/", "messages_on": "on",
    })

    assert response.status_code == 200
    assert NOT_ALLOWED in response.content.decode()
    assert not Iso18626Peer.objects.exists()


def test_the_command_refuses_it_with_the_reason(public_only):
    InstitutionFactory(key="kb")

    with pytest.raises(CommandError, match="may not send to"):
        call_command("iso18626_peer", "--agency", "ISIL:DK-1", "--endpoint", "169.254.169.254/latest",
                     "--institution", "kb", stdout=io.StringIO())

    assert not Iso18626Peer.objects.exists()
