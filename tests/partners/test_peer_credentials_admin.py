"""Staff with the permission set a peer's credentials in the admin: a new code is generated and shown once,
the old one may stay valid until a chosen date, the code NLK sends is written and never shown. Others see
them read-only, and a crafted post changes nothing. Every change is in the history, never a code."""

import importlib
import re
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partners.models import Iso18626Peer, hash_security_code
from tests.factories import InstitutionFactory, UserFactory

ISO18626_MIGRATION = importlib.import_module("ill.migrations.0020_iso18626_messages")
ADMINISTRATORS_MIGRATION = importlib.import_module("partners.migrations.0008_iso18626_administrators")
OLD_CODE = "old-code-" + "o" * 30
SEND_CODE = "given-to-nlk-" + "s" * 30
CODE_SHOWN = re.compile(r"The new security code of .+? is ([A-Za-z0-9_-]{43})\.")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def groups(staff_groups):
    ISO18626_MIGRATION.give_groups_iso18626_permissions(Group.objects, Permission.objects)
    ADMINISTRATORS_MIGRATION.give_iso18626_administrators_their_permissions(Group.objects, Permission.objects)


@pytest.fixture
def peer():
    library = InstitutionFactory(name_en="Royal Danish Library", country="DK")
    return Iso18626Peer.objects.create(
        institution=library, agency_id_type="ISIL", agency_id_value="DK-710100",
        endpoint_url="https://ill.kb.dk/iso18626/", account_id="dk-royal", code_hash=hash_security_code(OLD_CODE),
        send_account_id="nlk", send_security_code=SEND_CODE,
    )


@pytest.fixture
def administrator():
    """A member of staff in the ISO 18626 administrators group, and no other."""
    user = UserFactory(is_staff=True, username="choi")
    user.groups.add(Group.objects.get(name="ISO 18626 administrators"))
    client = Client()
    client.force_login(user)
    return client


def peer_url(peer):
    return reverse("admin:partners_iso18626peer_change", args=[peer.pk])


def form_data(client, url):
    """The change form's fields as the page shows them, ready to post back."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False:
            continue
        shown = field.widget.format_value(value) if hasattr(field.widget, "format_value") else value
        if shown is not None:
            data[name] = shown
    if "institution" in data:
        data["institution"] = form.initial["institution"]
    data["messages_on"] = "on"
    return data


def shown_code(response):
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    found = [CODE_SHOWN.search(text) for text in texts]
    return [match.group(1) for match in found if match]


def test_a_new_code_is_shown_once_after_saving_and_kept_only_hashed(administrator, peer):
    url = peer_url(peer)
    data = form_data(administrator, url) | {"generate_code": "on"}

    response = administrator.post(url, data, follow=True)

    (code,) = shown_code(response)
    assert "It is shown only this once" in response.content.decode() and code in response.content.decode()
    peer.refresh_from_db()
    assert code not in peer.code_hash and peer.authenticates("dk-royal", code, "192.0.2.1")
    assert not peer.authenticates("dk-royal", OLD_CODE, "192.0.2.1")  # no date chosen: refused at once
    assert code not in administrator.get(url).content.decode()
    entry = LogEntry.objects.filter(object_id=str(peer.pk)).latest("action_time")
    assert "generate a new security code" in entry.get_change_message().lower() and code not in entry.change_message


def test_the_old_code_stays_valid_until_the_date_chosen_and_only_the_new_one_after(administrator, peer):
    until = timezone.localtime() + timedelta(days=3)
    data = form_data(administrator, peer_url(peer)) | {
        "generate_code": "on",
        "previous_code_valid_until_0": until.strftime("%Y-%m-%d"),
        "previous_code_valid_until_1": until.strftime("%H:%M:%S"),
    }

    (code,) = shown_code(administrator.post(peer_url(peer), data, follow=True))

    peer.refresh_from_db()
    before, after = until - timedelta(hours=1), until + timedelta(minutes=1)
    assert peer.authenticates("dk-royal", OLD_CODE, "192.0.2.1", now=before)
    assert peer.authenticates("dk-royal", code, "192.0.2.1", now=before)
    assert not peer.authenticates("dk-royal", OLD_CODE, "192.0.2.1", now=after)
    assert peer.authenticates("dk-royal", code, "192.0.2.1", now=after)


def test_the_code_nlk_sends_is_written_never_shown_and_kept_when_left_empty(administrator, peer):
    url = peer_url(peer)
    page = administrator.get(url).content.decode()
    assert SEND_CODE not in page

    administrator.post(url, form_data(administrator, url) | {"send_account_id": "nlk-2"})
    peer.refresh_from_db()
    assert (peer.send_account_id, peer.send_security_code) == ("nlk-2", SEND_CODE)

    new_code = "another-given-" + "n" * 30
    administrator.post(url, form_data(administrator, url) | {"new_send_security_code": new_code})
    peer.refresh_from_db()
    assert peer.send_security_code == new_code and new_code not in administrator.get(url).content.decode()
    entry = LogEntry.objects.filter(object_id=str(peer.pk)).latest("action_time")
    assert "new security code nlk sends" in entry.get_change_message().lower() and new_code not in entry.change_message


def test_client_networks_are_checked_and_kept_in_cidr(administrator, peer):
    url = peer_url(peer)

    refused = administrator.post(url, form_data(administrator, url) | {"client_networks": "192.0.2.0/24\nnot-a-net"})
    assert refused.status_code == 200 and "not-a-net is not a network" in refused.content.decode()

    administrator.post(url, form_data(administrator, url) | {"client_networks": "192.0.2.7/24, 2001:db8::/32"})
    peer.refresh_from_db()
    assert peer.client_networks == "192.0.2.0/24\n2001:db8::/32"
    assert peer.authenticates("dk-royal", OLD_CODE, "192.0.2.200")
    assert not peer.authenticates("dk-royal", OLD_CODE, "198.51.100.1")
    entry = LogEntry.objects.filter(object_id=str(peer.pk)).latest("action_time")
    assert "client networks" in entry.get_change_message().lower()


def test_ill_staff_see_the_credentials_read_only_and_a_crafted_post_changes_none(kim_client, peer):
    url = peer_url(peer)
    page = kim_client.get(url).content.decode()
    assert 'name="endpoint_url"' not in page and 'name="generate_code"' not in page
    assert 'name="client_networks"' not in page and "https://ill.kb.dk/iso18626/" in page
    assert SEND_CODE not in page

    response = kim_client.post(url, {
        "agency_id_type": "ISIL", "agency_id_value": "DK-710100", "institution": peer.institution_id,
        "endpoint_url": "https://evil.example/", "account_id": "evil", "client_networks": "0.0.0.0/0",
        "generate_code": "on", "new_send_security_code": "x" * 40, "send_account_id": "evil",
        "previous_code_valid_until_0": "2030-01-01", "previous_code_valid_until_1": "00:00:00",
    })

    assert response.status_code == 302
    saved = Iso18626Peer.objects.get(pk=peer.pk)
    assert (saved.endpoint_url, saved.account_id, saved.client_networks) == ("https://ill.kb.dk/iso18626/", "dk-royal", "")
    assert (saved.code_hash, saved.send_security_code, saved.send_account_id) == (peer.code_hash, SEND_CODE, "nlk")
    assert saved.previous_code_valid_until is None and saved.messages_on is False
    assert not shown_code(response)


def test_ill_staff_cannot_add_a_peer(kim_client):
    assert kim_client.get(reverse("admin:partners_iso18626peer_add")).status_code == 403


def test_only_the_administrators_group_has_the_permission(kim, administrator):
    assert not kim.has_perm("partners.change_iso18626_peer_credentials")
    assert not Group.objects.get(name="ILL staff").permissions.filter(
        codename="change_iso18626_peer_credentials"
    ).exists()
    assert Group.objects.get(name="ISO 18626 administrators").permissions.filter(
        codename="change_iso18626_peer_credentials"
    ).exists()


def institution_post(client, peer, **peer_fields):
    url = reverse("admin:partners_institution_change", args=[peer.institution_id])
    response = client.get(url)
    form = response.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({
        "aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0",
        "iso18626_peer-TOTAL_FORMS": "1", "iso18626_peer-INITIAL_FORMS": "1",
        "iso18626_peer-0-id": peer.pk, "iso18626_peer-0-institution": peer.institution_id,
        "iso18626_peer-0-agency_id_type": "ISIL", "iso18626_peer-0-agency_id_value": "DK-710100",
        "iso18626_peer-0-messages_on": "on",
    })
    data.update({f"iso18626_peer-0-{name}": value for name, value in peer_fields.items()})
    return response, client.post(url, data, follow=True)


def test_on_the_institutions_page_a_crafted_post_by_ill_staff_changes_no_credential(kim, peer):
    kim.groups.add(Group.objects.get(name="Exchange staff"))  # may change institutions
    kim.user_permissions.add(Permission.objects.get(codename="change_institution"))
    client = Client()
    client.force_login(kim)

    page, response = institution_post(
        client, peer, endpoint_url="https://evil.example/", account_id="evil", generate_code="on",
        new_send_security_code="x" * 40, client_networks="0.0.0.0/0",
    )

    assert 'name="iso18626_peer-0-endpoint_url"' not in page.content.decode()
    assert response.redirect_chain, response.content.decode()[:2000]
    saved = Iso18626Peer.objects.get(pk=peer.pk)
    assert (saved.endpoint_url, saved.account_id, saved.client_networks) == ("https://ill.kb.dk/iso18626/", "dk-royal", "")
    assert (saved.code_hash, saved.send_security_code) == (peer.code_hash, SEND_CODE)
    assert not shown_code(response)


def test_on_the_institutions_page_a_superuser_generates_a_code_shown_once(admin_client, peer):
    _page, response = institution_post(
        admin_client, peer, endpoint_url="https://ill.kb.dk/iso18626/", account_id="dk-royal",
        send_account_id="nlk", generate_code="on",
    )

    (code,) = shown_code(response)
    saved = Iso18626Peer.objects.get(pk=peer.pk)
    assert saved.authenticates("dk-royal", code, "192.0.2.1") and code not in saved.code_hash
    entry = LogEntry.objects.filter(object_id=str(peer.institution_id)).latest("action_time")
    assert "generate a new security code" in entry.get_change_message().lower() and code not in entry.change_message
