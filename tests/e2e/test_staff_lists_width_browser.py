"""The staff's working lists and a request's page fit a 1280 px screen, in English and in Korean, with
Django's navigation and the filters as they open: every column staff triage by is in view, no table
scrolls inside its box and the page does not scroll sideways."""

import importlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from ill.models import FeeSchedule, IllRequest, Iso18626Message, Iso18626Transaction
from ill.services.workflow import do_transition
from ill.status import Status
from nlk_portal.core.roles import ILL_STAFF
from partners.models import Iso18626Peer
from tests.factories import InstitutionFactory, UserFactory, submit_ill_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SOURCE_SCHEDULE = importlib.import_module("ill.migrations.0002_source_fee_schedule").SOURCE_SCHEDULE
STAFF_GROUPS = importlib.import_module("ill.migrations.0004_staff_groups")
ISO18626_PERMISSIONS = importlib.import_module("ill.migrations.0020_iso18626_messages")
WIDTH = 1280
LIBRARIES = [
    ("Bibliothèque interuniversitaire de la Sorbonne, Université Paris 1 Panthéon-Sorbonne", "FR"),
    ("Staats- und Universitätsbibliothek Hamburg Carl von Ossietzky, Fachbereich Asien-Afrika-Wissenschaften", "DE"),
    ("School of Oriental and African Studies Library, University of London, Korean Studies Collection", "GB"),
    ("Det Kgl. Bibliotek – Royal Danish Library, National Library of Denmark and Copenhagen University Library",
     "DK"),
]
TITLES = [
    "조선왕조실록 연구: 태조에서 철종까지의 편찬 과정과 사료적 가치에 대한 종합적 검토",
    "The Transformation of Confucian Ritual Practice in Late Joseon Korea and Its Reception in Modern Scholarship",
    "한국 근대 문학사",
]
LONG_ERROR = (
    "The peer's server answered 502 Bad Gateway: <html><head><title>502 Bad Gateway</title></head><body>"
    "upstream_connect_error_or_disconnect_reset_before_headers_reset_reason_connection_failure_transport_failure"
    "_reason_delayed_connect_error_111_at_https://iso18626.peer-library.example.org/api/v1/iso18626/messages"
    "?tenant=royal-danish-library&retry=attempt-number-5</body></html>"
)

# The columns staff work by on each list (Django names each header cell column-<name>).
REQUEST_COLUMNS = ["reference", "received", "due", "status", "library", "item", "pages", "estimated_fee", "assigned"]
MESSAGE_COLUMNS = ["stored", "reference", "direction", "state"]


@pytest.fixture
def kim(db):
    STAFF_GROUPS.give_staff_groups_their_permissions(Group.objects, Permission.objects)
    ISO18626_PERMISSIONS.give_groups_iso18626_permissions(Group.objects, Permission.objects)
    user = UserFactory(username="kim", first_name="Min-ji", last_name="Kim-Johannesdottir", is_staff=True)
    user.groups.add(Group.objects.get(name=ILL_STAFF))
    return user


@pytest.fixture
def desk(kim):
    """Requests from libraries with long names, some worked and assigned, one exchanged by ISO 18626 with a
    message its peer's server refused with a long error."""
    FeeSchedule.objects.get_or_create(**SOURCE_SCHEDULE)
    libraries = [InstitutionFactory(name_en=name, country=country) for name, country in LIBRARIES]
    made = []
    for n in range(12):
        made.append(submit_ill_request(
            requesting_library=libraries[n % len(libraries)],
            title=TITLES[n % len(TITLES)],
            part_title="제3장 실록의 편찬과 보존: 사고(史庫) 제도의 변천" if n % 3 == 0 else "",
            pages_wanted="101-140" if n % 2 else "12-20",
            total_pages=400,
            received_at=timezone.now() - timedelta(days=3 * n),
        ))
    for ill_request in made[:4]:
        do_transition(ill_request, Status.WILL_SUPPLY, by=kim)
    do_transition(made[0], Status.COPY_COMPLETED, by=kim, pages_copied=38)
    IllRequest.objects.filter(pk__in=[r.pk for r in made[::2]]).update(assigned_to=kim)
    exchanged = made[1]
    peer = Iso18626Peer.objects.create(
        institution=libraries[3], agency_id_value="DK-820010", endpoint_url="https://iso18626.peer-library.example.org/"
    )
    Iso18626Transaction.objects.create(
        request=exchanged, peer=peer, direction="supplies", requesting_agency_request_id="DK-820010-2026-000123"
    )
    for n in range(3):
        Iso18626Message.objects.create(
            request=exchanged, peer=peer, incoming=n == 0, message_type="request" if n == 0 else "supplyingAgencyMessage",
            timestamp=timezone.now(), body="<ISO18626Message>" + "<header/>" * 80 + "</ISO18626Message>",
            body_digest=f"{n}" * 64,
            state=Iso18626Message.State.RECEIVED if n == 0 else Iso18626Message.State.RETRYING,
            attempts=0 if n == 0 else 5, error="" if n == 0 else LONG_ERROR,
        )
    return exchanged


def widths(page):
    return page.evaluate(
        """() => {
            const results = document.querySelector('.results');
            const table = document.querySelector('#result_list');
            return {
                document: document.documentElement.scrollWidth,
                results: results && results.clientWidth,
                table: results && Math.max(results.scrollWidth, table.scrollWidth),
            };
        }"""
    )


def assert_columns_in_view(page, columns):
    box = page.locator(".results").bounding_box()
    for name in columns:
        header = page.locator(f"#result_list thead th.column-{name}")
        assert header.count() == 1, name
        cell = header.bounding_box()
        assert cell["width"] > 0 and cell["x"] >= box["x"] - 1, name
        assert cell["x"] + cell["width"] <= min(box["x"] + box["width"], WIDTH) + 1, name


def assert_fits(page, what):
    measured = widths(page)
    page.screenshot(path=f"/tmp/{what}.png", full_page=True)
    assert measured["document"] <= WIDTH, (what, measured)
    if measured["results"] is not None:
        assert measured["table"] <= measured["results"], (what, measured)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_staff_lists_and_a_request_page_fit_1280_pixels(open_as, kim, desk, language):
    page = open_as(kim, language, width=WIDTH, height=800)

    page.goto("/admin/ill/illrequest/")
    # The breadcrumbs lead to the rest of the admin; Django's navigation is left off this page.
    assert page.locator(".breadcrumbs a").first.is_visible()
    assert page.locator("#changelist-filter").is_visible()
    assert page.locator("#result_list tbody tr").count() == 11  # the open ones: not the copy completed
    assert_fits(page, f"requests_{language}")
    assert_columns_in_view(page, REQUEST_COLUMNS)

    page.goto("/admin/ill/iso18626message/")
    assert page.locator("#result_list tbody tr").count() == 3
    assert_fits(page, f"messages_{language}")
    assert_columns_in_view(page, MESSAGE_COLUMNS)

    page.goto(f"/admin/ill/illrequest/{desk.pk}/change/")
    assert page.locator(".inline-group", has_text="ISO 18626").count() == 1
    assert page.get_by_text("upstream_connect_error", exact=False).count() >= 1
    assert_fits(page, f"request_page_{language}")
