"""The admin's filters by country list each country that has records, once, and no other."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from exchange.models import KoreanStudiesSupply, Shipment
from partners.models import Institution
from tests.exchange.factories import WindowOnKoreaSiteFactory
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, db):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Exchange staff"))
    client.force_login(user)
    return client


@pytest.fixture
def danes(db):
    """Two Danish institutions and a British one; the directory's ordering by name puts others between them."""
    return [
        InstitutionFactory(name_en="Aarhus University Library", country="DK"),
        InstitutionFactory(name_en="Bodleian Library", country="GB"),
        InstitutionFactory(name_en="Royal Danish Library", country="DK"),
    ]


def offered(response, parameter):
    """The countries the filter offers, in order, after its “All”."""
    changelist = response.context["cl"]
    [spec] = [spec for spec in changelist.filter_specs if parameter in spec.expected_parameters()]
    return [choice["display"] for choice in list(spec.choices(changelist))[1:]]


def test_the_directory_lists_only_the_countries_it_has_institutions_in_once_each(staff_client, danes):
    response = staff_client.get(reverse("admin:partners_institution_changelist"))

    names = offered(response, "country")
    present = set(Institution.objects.exclude(country="").values_list("country", flat=True))
    assert len(names) == len(set(names)) == len(present)
    assert names.count("Denmark") == 1 and "Antarctica" not in names


@pytest.mark.parametrize(
    "url, parameter, make",
    [
        (
            "admin:exchange_shipment_changelist",
            "institution__country",
            lambda library: Shipment.objects.create(
                institution=library, direction="sent", category="korea_related", items=3
            ),
        ),
        (
            "admin:exchange_koreanstudiessupply_changelist",
            "institution__country",
            lambda library: KoreanStudiesSupply.objects.create(institution=library, year=2026, items=3),
        ),
        (
            "admin:exchange_windowonkoreasite_changelist",
            "country",
            lambda library: WindowOnKoreaSiteFactory(institution=library, country=library.country),
        ),
    ],
)
def test_an_exchange_list_offers_the_countries_of_its_records_once_each(staff_client, danes, url, parameter, make):
    for library in danes:
        make(library)

    assert offered(staff_client.get(reverse(url)), parameter) == ["Denmark", "United Kingdom"]
