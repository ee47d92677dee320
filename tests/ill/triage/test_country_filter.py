"""The request list's filter by country names each country once, however many of its libraries ask."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import InstitutionFactory, submit_ill_request

pytestmark = pytest.mark.django_db
LIST = reverse("admin:ill_illrequest_changelist")


def country_choices(response):
    changelist = response.context["cl"]
    [country] = [spec for spec in changelist.filter_specs if getattr(spec, "parameter_name", "") == "country"]
    return [choice["display"] for choice in list(country.choices(changelist))[1:]]  # after “All”


def test_two_danish_libraries_with_requests_give_denmark_once(kim_client, source_fee_schedule):
    cache.clear()
    for name, country in [("University of Copenhagen", "DK"), ("Royal Danish Library", "DK"), ("SOAS", "GB")]:
        submit_ill_request(requesting_library=InstitutionFactory(name_en=name, country=country))
    InstitutionFactory(name_en="Staatsbibliothek zu Berlin", country="DE")  # no requests

    response = kim_client.get(LIST)

    assert country_choices(response) == ["Denmark", "United Kingdom"]
