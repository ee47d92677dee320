import factory

from exchange.models import BusinessExchange, Cadence, SupplyPlan, VolumeDelivery, WindowOnKoreaSite
from tests.factories import InstitutionFactory


class SupplyPlanFactory(factory.django.DjangoModelFactory):
    """The plan as the library's page states it."""

    class Meta:
        model = SupplyPlan
        django_get_or_create = ["name"]

    name = "Window on Korea"
    first_year_min_volumes = 1500
    first_year_max_volumes = 2000
    yearly_volumes = 200
    yearly_years = 5


class WindowOnKoreaSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WindowOnKoreaSite

    number = factory.Sequence(lambda n: 100 + n)
    institution = factory.SubFactory(InstitutionFactory)
    country = factory.SelfAttribute("institution.country")
    established_year = 2020
    plan = factory.SubFactory(SupplyPlanFactory)


class VolumeDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VolumeDelivery

    site = factory.SubFactory(WindowOnKoreaSiteFactory)
    year = 2020
    volumes = 200


class BusinessExchangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessExchange

    institution = factory.SubFactory(InstitutionFactory, kind="national")
    cadence = Cadence.ANNUAL
    since = 1997
