"""`manage.py iso18626_peer`: register a partner ILL system, or change one, from the command line."""

import os

from django import forms
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_countries import countries

from partners.models import Institution, InstitutionKind, Iso18626Peer


class Command(BaseCommand):
    help = (
        "Add or update an ISO 18626 peer: the partner ILL system of an institution of the directory, "
        "known by its agency id. Safe to run again: a second run with the same values changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="The peer's agency id, TYPE:VALUE, e.g. ISIL:DK-710100.")
        parser.add_argument("--endpoint", required=True, help="The peer's ISO 18626 endpoint: an http or https URL; without a scheme, https.")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--institution", metavar="KEY", help="The key of an institution of the directory.")
        which.add_argument("--name", help="The institution's English name: found, or added to the directory.")
        parser.add_argument("--country", help="With --name: the institution's country (ISO 3166 code, e.g. DK).")
        parser.add_argument(
            "--kind", default=InstitutionKind.ACADEMIC, choices=InstitutionKind.values,
            help="With --name, for an institution added to the directory.",
        )
        parser.add_argument("--account-id", help="The accountId the peer must send in every message.")
        code = parser.add_mutually_exclusive_group()
        code.add_argument("--security-code", metavar="CODE",
                          help="The securityCode the peer must send (at least 24 characters); kept only hashed.")
        code.add_argument("--security-code-env", metavar="VAR",
                          help="Read that code from this environment variable, to keep it out of shell history.")
        code.add_argument("--generate-code", action="store_true",
                          help="Generate a new securityCode for the peer and print it, once.")
        parser.add_argument("--send-account-id", help="The accountId the peer gave NLK, sent in NLK's messages.")
        send_code = parser.add_mutually_exclusive_group()
        send_code.add_argument("--send-security-code", metavar="CODE",
                               help="The securityCode the peer gave NLK, sent in NLK's messages.")
        send_code.add_argument("--send-security-code-env", metavar="VAR",
                               help="Read that code from this environment variable.")
        parser.add_argument("--networks", metavar="CIDR,...",
                            help="The networks the peer posts from (e.g. 192.0.2.0/24,2001:db8::/32); '' for any.")
        switch = parser.add_mutually_exclusive_group()
        switch.add_argument("--on", dest="messages_on", action="store_true", default=None,
                            help="Send messages to the peer (the default for a new peer).")
        switch.add_argument("--off", dest="messages_on", action="store_false", help="Keep messages to it.")

    def handle(self, *args, agency, endpoint, institution, name, country, kind, messages_on, **options):
        security_code = self.read_code(options["security_code"], options["security_code_env"], "--security-code-env")
        send_code = self.read_code(
            options["send_security_code"], options["send_security_code_env"], "--send-security-code-env"
        )
        id_type, separator, id_value = agency.partition(":")
        id_type, id_value = id_type.strip(), id_value.strip()
        if not separator or not id_type or not id_value:
            raise CommandError(f"--agency is written TYPE:VALUE, e.g. ISIL:DK-710100, not {agency!r}.")
        # As the admin takes it: an address typed without its scheme is https.
        endpoint = forms.URLField(assume_scheme="https").to_python(endpoint)
        with transaction.atomic():
            found = self.find_institution(institution, name, country, kind)
            peer = Iso18626Peer.objects.with_agency(id_type, id_value).first()
            if peer is None:
                peer = Iso18626Peer.objects.filter(institution=found).first()
            created = peer is None
            peer = peer or Iso18626Peer(institution=found)
            peer.institution = found
            peer.agency_id_type, peer.agency_id_value, peer.endpoint_url = id_type, id_value, endpoint
            if messages_on is not None:
                peer.messages_on = messages_on
            for field in ("account_id", "send_account_id"):
                if options[field] is not None:
                    setattr(peer, field, options[field].strip())
            if options["networks"] is not None:
                peer.client_networks = options["networks"]
            if send_code is not None:
                peer.send_security_code = send_code
            generated = None
            try:
                if security_code is not None:
                    peer.set_security_code(security_code)
                elif options["generate_code"]:
                    generated = peer.generate_security_code()
            except ValidationError as error:
                raise CommandError(f"--security-code: {' '.join(error.messages)}") from None
            try:
                peer.full_clean(validate_unique=False)
            except ValidationError as error:
                raise CommandError("; ".join(f"{field}: {' '.join(messages)}"
                                             for field, messages in error.message_dict.items()))
            if Iso18626Peer.objects.filter(institution=found).exclude(pk=peer.pk).exists():
                raise CommandError(f"{found} already has a peer with another agency id: change that one.")
            peer.save()
        state = "on" if peer.messages_on else "off"
        verb = "Added" if created else "Updated"
        self.stdout.write(f"{verb} {peer.agency_symbol}: {found} at {peer.endpoint_url}, messages {state}.")
        if generated:
            self.stdout.write(f"Its new security code, shown only this once: {generated}")
        if not (peer.account_id and peer.code_hash):
            self.stdout.write("It has no account id and security code yet: its messages are refused until it has.")

    def read_code(self, given, variable, option):
        if variable is None:
            return given
        value = os.environ.get(variable)
        if not value:
            raise CommandError(f"{option}: the environment variable {variable} is not set.")
        return value

    def find_institution(self, key, name, country, kind):
        if key:
            try:
                return Institution.objects.get(key=key)
            except Institution.DoesNotExist:
                raise CommandError(f"No institution has the key {key!r}.") from None
        code = (country or "").strip().upper()
        if code not in dict(countries):
            raise CommandError("--name needs --country, the institution's ISO 3166 country code (e.g. DK).")
        found = Institution.objects.filter(name_en__iexact=name.strip(), country=code).first()
        if found is None:
            found = Institution.objects.create(name_en=name.strip(), country=code, kind=kind)
            self.stdout.write(f"Added {found} ({code}) to the directory.")
        return found
