"""`manage.py iso18626_peer` registers a partner ILL system, or changes one, by its agency id."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from partners.models import Institution, Iso18626Peer
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("iso18626_peer", *args, stdout=out)
    return out.getvalue()


def test_a_peer_is_added_for_an_institution_of_the_directory():
    library = InstitutionFactory(key="royal-danish-library", name_en="Royal Danish Library", country="DK")

    out = run("--agency", "ISIL:DK-710100", "--endpoint", "https://ill.kb.dk/iso18626", "--institution", library.key)

    peer = Iso18626Peer.objects.get()
    assert (peer.institution, peer.agency_id_type, peer.agency_id_value) == (library, "ISIL", "DK-710100")
    assert (peer.endpoint_url, peer.messages_on) == ("https://ill.kb.dk/iso18626", True)
    assert "Added ISIL:DK-710100" in out


def test_an_endpoint_given_without_a_scheme_is_https():
    InstitutionFactory(key="kb", country="DK")

    out = run("--agency", "ISIL:DK-710100", "--endpoint", " ill.kb.dk/iso18626 ", "--institution", "kb")

    assert Iso18626Peer.objects.get().endpoint_url == "https://ill.kb.dk/iso18626"
    assert "at https://ill.kb.dk/iso18626," in out


def test_running_it_again_updates_the_peer_found_by_its_agency_id_without_case():
    library = InstitutionFactory(key="kb", country="DK")
    run("--agency", "ISIL:DK-710100", "--endpoint", "https://old.example.org/", "--institution", "kb")

    out = run("--agency", "isil:dk-710100", "--endpoint", "https://new.example.org/", "--institution", "kb", "--off")

    peer = Iso18626Peer.objects.get()
    assert (peer.institution, peer.endpoint_url, peer.messages_on) == (library, "https://new.example.org/", False)
    assert (peer.agency_id_type, peer.agency_id_value) == ("isil", "dk-710100")
    assert "Updated" in out and "messages off" in out


def test_an_institution_named_and_not_in_the_directory_is_added_to_it():
    out = run("--agency", "ISIL:US-PPIU", "--endpoint", "https://reshare.example.edu/iso18626",
              "--name", "University of Pennsylvania Libraries", "--country", "us")

    institution = Institution.objects.get(name_en="University of Pennsylvania Libraries")
    assert institution.country == "US" and institution.iso18626_peer.agency_id_value == "US-PPIU"
    assert "to the directory" in out
    run("--agency", "ISIL:US-PPIU", "--endpoint", "https://reshare.example.edu/iso18626",
        "--name", "University of Pennsylvania Libraries", "--country", "US")
    assert Institution.objects.filter(name_en="University of Pennsylvania Libraries").count() == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--agency", "DK-710100", "--endpoint", "https://x.example/", "--institution", "kb"], "TYPE:VALUE"),
        (["--agency", "ISIL:DK-1", "--endpoint", "ftp://x.example/", "--institution", "kb"], "endpoint_url"),
        (["--agency", "ISIL:DK-1", "--endpoint", "https://x.example/", "--institution", "nobody"], "No institution"),
        (["--agency", "ISIL:DK-1", "--endpoint", "https://x.example/", "--name", "X"], "--country"),
    ],
)
def test_bad_arguments_are_refused_and_nothing_is_kept(args, message):
    InstitutionFactory(key="kb")

    with pytest.raises(CommandError, match=message):
        run(*args)

    assert not Iso18626Peer.objects.exists()


def test_one_agency_id_names_one_peer():
    first, second = InstitutionFactory(key="a"), InstitutionFactory(key="b")
    Iso18626Peer.objects.create(institution=first, agency_id_value="DK-1", endpoint_url="https://a.example/")

    with pytest.raises(IntegrityError):
        Iso18626Peer.objects.create(institution=second, agency_id_value="dk-1", endpoint_url="https://b.example/")


def test_the_credentials_are_set_the_code_kept_hashed_and_the_send_code_usable(monkeypatch):
    InstitutionFactory(key="kb", country="DK")
    code, send_code = "peer-sends-" + "p" * 30, "nlk-sends-" + "n" * 30
    monkeypatch.setenv("KB_SEND_CODE", send_code)

    out = run("--agency", "ISIL:DK-710100", "--endpoint", "https://ill.kb.dk/iso18626", "--institution", "kb",
              "--account-id", "dk-royal", "--security-code", code,
              "--send-account-id", "nlk-at-kb", "--send-security-code-env", "KB_SEND_CODE",
              "--networks", "192.0.2.0/24, 2001:db8::/32")

    peer = Iso18626Peer.objects.get()
    assert code not in peer.code_hash and code not in out and send_code not in out
    assert peer.authenticates("dk-royal", code, "192.0.2.9")
    assert not peer.authenticates("dk-royal", code, "198.51.100.9")
    assert not peer.authenticates("dk-royal", "peer-sends-" + "q" * 30, "192.0.2.9")
    assert (peer.send_account_id, peer.send_security_code) == ("nlk-at-kb", send_code)
    assert peer.client_networks == "192.0.2.0/24\n2001:db8::/32"


def test_a_generated_code_is_printed_once_and_a_short_code_is_refused():
    InstitutionFactory(key="kb", country="DK")
    args = ["--agency", "ISIL:DK-710100", "--endpoint", "https://ill.kb.dk/iso18626", "--institution", "kb"]

    with pytest.raises(CommandError, match="at least 24 characters"):
        run(*args, "--account-id", "dk-royal", "--security-code", "too-short")
    out = run(*args, "--account-id", "dk-royal", "--generate-code")

    code = out.rsplit("shown only this once: ", 1)[1].split()[0]
    assert len(code) >= 24 and Iso18626Peer.objects.get().authenticates("dk-royal", code, "192.0.2.1")
    again = run(*args)
    assert "shown only this once" not in again
    assert Iso18626Peer.objects.get().authenticates("dk-royal", code, "192.0.2.1")


def test_a_peer_without_credentials_is_told_its_messages_are_refused():
    InstitutionFactory(key="kb", country="DK")

    out = run("--agency", "ISIL:DK-710100", "--endpoint", "https://ill.kb.dk/iso18626", "--institution", "kb")

    assert "its messages are refused" in out
