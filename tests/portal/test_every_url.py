"""Every URL pattern of the project answers junk in its path and query string without a server error.

The test walks the root URLconf (the admin's patterns included, so a model registered tomorrow is
walked too), fills each pattern's parameters with real objects and with junk, adds junk query
strings, and asks as four people: nobody signed in, a partner librarian, a user in Korea and a
superuser. Any answer of 500 or more, or any exception, is a failure. On PostgreSQL (CI) this also
catches what SQLite lets through, such as a NUL byte in a text parameter.
"""

import io
import itertools
import re
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.http import urlsafe_base64_encode
from django.utils.regex_helper import normalize
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from exchange.models import Depositor, DepositReceipt, KoreanStudiesSupply, Shipment
from ill.admin.actions import ACTIONS
from ill.admin.borrowing_steps import STEPS
from ill.models import CopyPolicy, Invoice, Iso18626Message, PaymentInstruction
from ill.services import borrowing, invoices, pdf, retention, submission
from ill.services.workflow import do_transition
from ill.status import Status
from nlk_portal.core import calendar
from partners.models import Iso18626Peer
from tests.factories import (
    InstitutionFactory,
    LibrarianFactory,
    UserFactory,
    ill_request_details,
    library_user,
)
from tests.ill.borrowing.steps import borrowing_details

pytestmark = pytest.mark.django_db

# Junk for a path parameter, as raw bytes: each is percent-encoded into the path.
PATH_JUNK = [
    b"\x00",
    b"ILL-2026-000001\x00",
    b"\xff\xfe",
    b"%00",
    b"x" * 3000,
    b"99999999999999999999999",
    b"-1",
    b"..%2f..",
    "'\"<script>".encode(),
    "한국어😀".encode(),
    b" ",
]
# Junk for a query parameter's value, as raw bytes: a NUL (which PostgreSQL refuses in any text) and a
# number too big for any column, then the rest, which the filters, searches and forms must answer too.
NUL = b"\x00"
HUGE_NUMBER = b"99999999999999999999999"
OTHER_JUNK = [b"\xff", b"x" * 3000, b"-1", "'\"<>😀".encode(), b""]
VALUE_JUNK = [NUL, HUGE_NUMBER, *OTHER_JUNK]
# Parameters some page of the project reads from the query string.
KNOWN_PARAMETERS = [
    "q", "p", "o", "e", "page", "next", "all", "term", "app_label", "model_name", "field_name",
    "_to_field", "_popup", "_changelist_filters", "service", "delivery", "pages", "ranges", "submitted",
    "version", "year", "start", "end", "country", "institution", "program", "language",
]
# Query strings sent as they are: names that are not UTF-8 or hold a NUL, and broken encodings.
RAW_QUERIES = ["%00=1", "%FF=1", "q=%", "q=%ZZ", "q=%F0%9F", "&&==&", "q" * 2000 + "=1"]
MAX_REAL_COMBINATIONS = 4
FAKE_PDF = b"%PDF-1.4\n%%EOF\n"
PERSONS = ["anonymous", "librarian", "user_in_korea", "staff"]


def encoded(raw: bytes) -> str:
    return quote(raw, safe="")


def walk(patterns, prefix=()):
    """(regexes from the root, pattern) for every endpoint below `patterns`."""
    for pattern in patterns:
        chain = (*prefix, pattern.pattern.regex.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, chain)
        else:
            yield chain, pattern


def template_of(chain):
    """The pattern as a format string for its parameters: ("ill/track/%(token)s/", ["token"])."""
    text, params = "", []
    for regex in chain:
        # The first way to write each part is enough: the admin's app list regex is one group.
        part, part_params = normalize(regex)[0]
        text += part
        params += part_params
    return text, params


def endpoints():
    found = {}
    for chain, pattern in walk(get_resolver().url_patterns):
        text, params = template_of(chain)
        found.setdefault(text, (params, pattern))
    return found


ADMIN_MODEL_PATH = re.compile(r"^admin/(?P<app>[a-z_]+)/(?P<model>[a-z_]+)/")


def admin_model(template):
    match = ADMIN_MODEL_PATH.match(template)
    if not match:
        return None
    try:
        return apps.get_model(match["app"], match["model"])
    except LookupError:
        return None


class World:
    """Real objects of every kind the portal's URLs name, and the people who ask for them."""

    def __init__(self, capture):
        # The directory and the cooperation records, as the release loads them, and one of each
        # record that staff add by hand.
        call_command("load_reference_data", stdout=io.StringIO())
        self.staff = UserFactory(is_staff=True, is_superuser=True, username="admin")
        library = InstitutionFactory(name_en="Bibliothèque nationale de France", country="FR")
        Shipment.objects.create(institution=library, direction="sent", category="korea_related", items=12)
        DepositReceipt.objects.create(depositor=Depositor.objects.first(), title="Annual report", items=2)
        KoreanStudiesSupply.objects.create(institution=library, year=2025, items=40)
        CopyPolicy.objects.create(country="FR", copying_permitted=False, note_en="No copies.")
        PaymentInstruction.objects.create(
            method=PaymentInstruction.Method.choices[0][0], details_en="The ILL desk", details_ko="상호대차 창구"
        )
        self.librarian = LibrarianFactory(institution=library).user
        self.user_in_korea = library_user()
        self._login_records()
        # A dry run of the personal data purge, as staff see it in the admin's list of removals.
        retention.purge(dry_run=True)
        with capture(execute=True):
            self.supplied = submission.submit_request(ill_request_details(requesting_library=library))
        with capture(execute=True):
            do_transition(self.supplied, Status.WILL_SUPPLY, by=self.staff)
            do_transition(self.supplied, Status.COPY_COMPLETED, by=self.staff, pages_copied=23)
        self.invoice = Invoice.objects.get(request=self.supplied)
        with capture(execute=True):
            invoices.record_payment(
                self.invoice, amount=Decimal("5.00"), received_on=calendar.library_today(),
                receipt_number="R-1", by=self.staff,
            )
        self.borrowed = self._borrowing(capture)
        self._iso18626_records(library)
        # Two-factor devices being set up: not yet confirmed, so the superuser is not asked for a code.
        TOTPDevice.objects.create(user=self.staff, name="TOTP", confirmed=False)
        StaticDevice.objects.create(user=self.staff, name="Recovery codes", confirmed=False).token_set.create(
            token="abcd2345"
        )

    def _iso18626_records(self, library):
        """A partner ILL system and one message it sent about the supplied request."""
        peer = Iso18626Peer.objects.create(
            institution=library, agency_id_type="ISIL", agency_id_value="FR-751131015",
            endpoint_url="https://ill.example.org/iso18626/",
        )
        Iso18626Message.objects.create(
            request=self.supplied, peer=peer, incoming=True, message_type="requestingAgencyMessage",
            reason="Notification", timestamp=timezone.now(), body="<ISO18626Message/>",
            state=Iso18626Message.State.RECEIVED,
        )

    def _login_records(self):
        """A wrong password at the login page, as django-axes records it, and the logs it may keep."""
        Client().post(
            reverse("accounts:login"), {"username": self.librarian.email, "password": "wrong"},
            REMOTE_ADDR="192.0.2.10",
        )
        seen = {"username": self.librarian.email, "ip_address": "192.0.2.10", "user_agent": "pytest",
                "http_accept": "*/*", "path_info": "/accounts/login/", "attempt_time": timezone.now()}
        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            if not model.objects.exists():
                extra = {"get_data": "", "post_data": "", "failures_since_start": 1} if model is AccessAttempt else {}
                model.objects.create(**seen, **extra)

    def _borrowing(self, capture):
        lender = InstitutionFactory(name_en="Staatsbibliothek zu Berlin", country="DE")
        today = calendar.library_today()
        details = borrowing_details(lender)
        with capture(execute=True):
            ill_request = submission.submit_borrowing(details, user=self.user_in_korea, language="ko")
            borrowing.record_prepayment(
                ill_request, amount=Decimal("60000"), currency="KRW", paid_on=today, receipt_number="P-1",
                by=self.staff,
            )
            borrowing.send_to_lender(ill_request, by=self.staff)
            borrowing.record_lender_answer(
                ill_request, available=True, answered_on=today, fees_currency="KRW",
                copying_fee=Decimal("20000"), shipping_fee=Decimal("15000"), by=self.staff,
            )
            borrowing.record_arrival(ill_request, arrived_on=today, by=self.staff)
            borrowing.deliver(ill_request, delivered_on=today, by=self.staff)
            borrowing.settle(ill_request, bank_fee=Decimal("1000"), by=self.staff)
            borrowing.record_refund_paid(ill_request, paid_on=today, by=self.staff)
        ill_request.refresh_from_db()
        return ill_request

    def real_values(self, param, template):
        """Values of `param` that name a real object (or a real choice) for the pattern `template`."""
        model = admin_model(template)
        if param in ("object_id", "pk"):
            if model is None or model._meta.label == "ill.IllRequest":
                return [self.supplied.pk, self.borrowed.pk]
            return [obj.pk for obj in model._default_manager.order_by("pk")[:1]] or [1]
        values = {
            "token": [self.supplied.tracking_token, self.borrowed.tracking_token],
            "reference": [self.supplied.reference, self.borrowed.reference],
            "number": [self.invoice.number],
            "content_type_id": [ContentType.objects.get_for_model(self.supplied).pk],
            "app_label": ["ill", "exchange"],
            "action_name": [action.name for action in ACTIONS],
            "step_name": [step.name for step in STEPS],
            "report": ["ill", "exchange"],
            "fmt": ["csv", "xlsx", "pdf"],
            "id": [self.staff.pk],
            "uidb64": [urlsafe_base64_encode(str(self.librarian.pk).encode()), "MQ"],
            "url": ["ill/", "nothing-here/"],
        }
        return values.get(param, ["1"])


def path_junk(seed, template):
    """Every kind of junk for the public pages and the ILL admin's own; for the other admin pages,
    which are Django's views of one model after another, a few kinds in turn, so that each kind
    still reaches every one of those views across the models."""
    if not template.startswith("admin/") or template.startswith("admin/ill/"):
        return PATH_JUNK
    return [PATH_JUNK[(seed + step) % len(PATH_JUNK)] for step in range(0, len(PATH_JUNK), 3)]


def paths(template, params, world, junk_values=PATH_JUNK):
    """The pattern's paths: with real values, then with junk in each parameter in turn."""
    real = [world.real_values(param, template) for param in params]
    combinations = list(itertools.islice(itertools.product(*real), MAX_REAL_COMBINATIONS))
    # Every real value of each parameter appears at least once, even beyond the first combinations.
    for index, values in enumerate(real):
        for value in values[1:]:
            combination = list(combinations[0])
            combination[index] = value
            combinations.append(tuple(combination))
    first = combinations[0] if combinations else ()
    yield from (
        "/" + template % {param: quote(str(value), safe="") for param, value in zip(params, values)}
        for values in dict.fromkeys(combinations)
    )
    for index, param in enumerate(params):
        for junk in junk_values:
            values = {p: quote(str(v), safe="") for p, v in zip(params, first)}
            values[param] = encoded(junk)
            yield "/" + template % values


def junk_queries(seed, count=3):
    """Query strings with junk in every parameter some page reads, and raw broken ones; the junk
    changes from one pattern to the next, so the walk sends each kind to many pages."""
    junk = VALUE_JUNK[seed % len(VALUE_JUNK):] + VALUE_JUNK[: seed % len(VALUE_JUNK)]
    queries = [
        RAW_QUERIES[seed % len(RAW_QUERIES)],
        *("&".join(f"{name}={encoded(value)}" for name in KNOWN_PARAMETERS) for value in junk[:2]),
    ]
    return queries[:count]


def changelist_queries(client, path, model_admin):
    """Junk in each parameter the list's own links use (filters, sorting, date drill-down), search
    and pagination, one parameter at a time: a NUL, a number too big for any column, and one more of
    OTHER_JUNK in turn (each list is drawn some fifty times)."""
    response = client.get(path)
    names = {"q", "p", "o", "e", "_to_field", "_popup"}
    for href in re.findall(r'href="(\?[^"]*)"', response.content.decode()):
        names.update(name for name, _ in parse_qsl(urlsplit(unescape(href)).query, keep_blank_values=True))
    if model_admin.date_hierarchy:
        field = model_admin.date_hierarchy
        names.update(f"{field}__{part}" for part in ("year", "month", "day"))
        yield f"{field}__year=9999&{field}__month=12&{field}__day=31"
        yield f"{field}__year=9999&{field}__month=12"
        yield f"{field}__year=9999"
        yield f"{field}__year=1&{field}__month=1&{field}__day=1"
        yield f"{field}__year={'9' * 30}"
        yield f"{field}__year=2026&{field}__month=13"
    for index, name in enumerate(sorted(names)):
        for junk in [NUL, HUGE_NUMBER, OTHER_JUNK[index % len(OTHER_JUNK)]]:
            yield f"{name}={encoded(junk)}"


def action_posts(client, path):
    """Each action of the list's menu sent for rows whose ids are junk (no real row: the walk's objects
    stay as they are for the pages walked after)."""
    page = client.get(path).content.decode()
    menu = re.search(r'<select name="action"[^>]*>(.*?)</select>', page, re.DOTALL)
    actions = [name for name in re.findall(r'<option value="([^"]+)"', menu[1]) if name] if menu else []
    for index, action in enumerate(actions):
        for junk in [NUL, HUGE_NUMBER, OTHER_JUNK[index % len(OTHER_JUNK)]]:
            text = junk.decode("utf-8", "replace")
            yield {"action": action, "index": "0", "_selected_action": [text]}


def autocomplete_queries():
    for model, model_admin in admin.site._registry.items():
        for field_name in model_admin.get_autocomplete_fields(None):
            base = f"app_label={model._meta.app_label}&model_name={model._meta.model_name}&field_name={field_name}"
            for junk in VALUE_JUNK:
                yield f"{base}&term={encoded(junk)}"
            yield f"{base}&term=a&page=%00"
            yield f"{base}&term=a&page=99999999999999999999"
    yield "app_label=%00&model_name=%00&field_name=%00&term=%00"
    yield "app_label=ill&model_name=illrequest&field_name=%FF&term=a"


@pytest.fixture
def world(django_capture_on_commit_callbacks, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The invoice and the statement are stored as PDFs; what they say is tested elsewhere, and
    # WeasyPrint would spend a second on each.
    monkeypatch.setattr(pdf, "render_invoice", lambda invoice: FAKE_PDF)
    monkeypatch.setattr(pdf, "render_statement", lambda borrowing, settlement: FAKE_PDF)
    return World(django_capture_on_commit_callbacks)


def client_for(person, world):
    client = Client()
    user = {
        "librarian": world.librarian, "user_in_korea": world.user_in_korea, "staff": world.staff,
    }.get(person)
    if user is not None:
        client.force_login(user)
    return client


class Walk:
    def __init__(self, client, person):
        self.client, self.person, self.failures, self.count = client, person, [], 0

    def get(self, url):
        return self.send("GET", url)

    def post(self, url, data):
        return self.send("POST", url, data)

    def send(self, method, url, data=None):
        self.count += 1
        said = f"{self.person} {method} {url[:300]!r}" + (f" {str(data)[:200]}" if data else "")
        try:
            # A savepoint per request: one failing query on PostgreSQL must not end the walk.
            with transaction.atomic():
                response = self.client.post(url, data) if method == "POST" else self.client.get(url)
                status = response.status_code
                if hasattr(response, "streaming_content"):
                    b"".join(response.streaming_content)
        except Exception as error:  # noqa: BLE001  (every exception is a finding)
            self.failures.append(f"{said}: {type(error).__name__}: {str(error)[:200]}")
            return None
        if status >= 500:
            self.failures.append(f"{said}: {status}")
        return response


# Staff's walk is the longest (every admin page, thoroughly): it is cut into shards of the URL patterns, which
# the parallel test processes share out. Together the shards send exactly the requests of one walk.
STAFF_SHARDS = 4
WALKS = [(person, 0, 1) for person in PERSONS if person != "staff"] + [
    ("staff", shard, STAFF_SHARDS) for shard in range(STAFF_SHARDS)
]


@pytest.mark.parametrize(
    ("person", "shard", "shards"), WALKS, ids=[f"{p}-{k + 1}of{n}" if n > 1 else p for p, k, n in WALKS]
)
def test_no_url_answers_junk_with_a_server_error(person, shard, shards, world, settings, monkeypatch, private_media):
    settings.ILL_QUOTE_RATE = "100000/m"
    # The file storage's folder is there, as on a node that serves: /readyz answers 200, not 503.
    private_media.mkdir(parents=True, exist_ok=True)
    cache.clear()
    # Lists of a few rows each: the walk sends each list some hundred queries, and every page of them
    # is drawn the same way.
    for model_admin in admin.site._registry.values():
        monkeypatch.setattr(model_admin, "list_per_page", 3)
    walk = Walk(client_for(person, world), person)
    found = endpoints()
    assert len(found) > 100, "the walk found too few URL patterns to be walking the project"
    for seed, (template, (params, pattern)) in enumerate(sorted(found.items())):
        if seed % shards != shard:
            continue
        # Signed out or without staff rights, every admin page sends the reader to the admin's login
        # alike: a few kinds of junk show that it does so whatever the path and query hold.
        thorough = person == "staff" or not template.startswith("admin/")
        for path in paths(template, params, world, path_junk(seed, template) if thorough else PATH_JUNK[::4]):
            walk.get(path)
        first_path = next(paths(template, params, world))
        for query in junk_queries(seed, 3 if thorough else 1):
            walk.get(f"{first_path}?{query}")
        model_admin = getattr(pattern.callback, "model_admin", None)
        if person == "staff" and model_admin is not None and pattern.name and pattern.name.endswith("_changelist"):
            for query in changelist_queries(walk.client, first_path, model_admin):
                walk.get(f"{first_path}?{query}")
            for data in action_posts(walk.client, first_path):
                walk.post(first_path, data)
    if person == "staff" and shard == 0:
        for query in autocomplete_queries():
            walk.get(f"/admin/autocomplete/?{query}")
    assert not walk.failures, f"{len(walk.failures)} of {walk.count} requests failed:\n" + "\n".join(
        walk.failures[:80]
    )


def test_the_walk_fills_every_parameter_with_something_real(world):
    """A parameter the walk knows no real value for would be walked with junk alone."""
    unknown = {
        param
        for template, (params, _) in endpoints().items()
        for param in params
        if world.real_values(param, template) == ["1"]
    }
    assert not unknown, f"teach World.real_values about {sorted(unknown)}"


def test_the_walk_sees_an_object_of_every_model_in_the_admin(world):
    """Each admin page of an object is walked with a real one; the borrowing is settled and refunded and
    the invoice paid, so the pages that show those are walked in full."""
    empty = [model._meta.label for model in admin.site._registry if not model._default_manager.exists()]
    assert not empty, f"the World has no {empty}"
    assert world.borrowed.borrowing.settled_at is not None
    assert world.invoice.pdf and world.invoice.payments.exists()
