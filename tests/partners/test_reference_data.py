import json

import pytest
from django.core.management import call_command

from partners.models import Institution, InstitutionAlias
from partners.reference_data import read_institutions


def table_snapshot():
    institutions = list(Institution.objects.order_by("key").values())
    for row in institutions:
        row.pop("updated_at")
    aliases = list(InstitutionAlias.objects.order_by("institution__key", "name").values_list("institution__key", "name"))
    return institutions, aliases


@pytest.mark.django_db
def test_a_second_load_leaves_the_same_rows(capsys):
    call_command("load_reference_data")
    first = table_snapshot()
    capsys.readouterr()

    call_command("load_reference_data")

    assert table_snapshot() == first
    assert "partners: 0 rows created or updated" in capsys.readouterr().out


@pytest.mark.django_db
def test_every_institution_of_the_data_file_is_loaded_once(reference_data):
    records = read_institutions()
    assert Institution.objects.count() == len(records) == len({r["key"] for r in records})
    assert InstitutionAlias.objects.count() == sum(len(r["aliases"]) for r in records)


@pytest.mark.django_db
def test_misspellings_of_the_source_are_corrected_and_kept_as_aliases(reference_data):
    bhutan = Institution.objects.get(aliases__name="National Library of Butan")
    assert bhutan.name_en == "National Library of Bhutan"
    assert bhutan.country.code == "BT"

    bangladesh = Institution.objects.get(aliases__name="Independant University, Bangladesh")
    assert bangladesh.name_en == "Independent University, Bangladesh"

    for institution in Institution.objects.filter(aliases__name__contains="Libary"):
        assert "Libary" not in institution.name_en


@pytest.mark.django_db
def test_the_same_library_in_several_tables_is_one_institution(reference_data):
    assert Institution.objects.filter(name_en="National Library of Vietnam").count() == 1
    assert Institution.objects.filter(name_en="Senate Library of Cambodia").count() == 1


@pytest.mark.django_db
def test_every_institution_named_in_the_source_is_in_the_directory(reference_data, settings):
    source = (settings.BASE_DIR.parent / "shared" / "seed" / "nlk-international-cooperation.txt")
    if not source.exists():
        pytest.skip("the library's page is not beside this checkout")
    text = source.read_text(encoding="utf-8")
    names = list(Institution.objects.values_list("name_en", flat=True))
    names += list(InstitutionAlias.objects.values_list("name", flat=True))
    for expected in [
        "National Diet Library",
        "National Library of China",
        "Russian State Library",
        "National Library of Tunisia",
        "Bodleian Libraries, University of Oxford",
        "Queens Library at Flushing",
        "National Library and Archives of Egypt",
    ]:
        assert expected in text
        assert any(expected in name for name in names), expected
    organizations = Institution.objects.filter(kind="international_org")
    acronyms = set(InstitutionAlias.objects.filter(institution__in=organizations).values_list("name", flat=True))
    for acronym in "FAO ADB UN IFAD OECD ILO ICAO WMO APO UNWTO WFP UNEP ICOMOS ITTO IMF WIPO APEC IMO".split():
        assert acronym in acronyms, acronym


@pytest.mark.django_db
def test_a_staff_alias_survives_a_reload(reference_data):
    nlk = Institution.objects.get(key=read_institutions()[0]["key"])
    nlk.aliases.create(name="A spelling staff added")

    call_command("load_reference_data", stdout=open("/dev/null", "w"))

    assert nlk.aliases.filter(name="A spelling staff added").exists()


def test_the_data_file_is_valid_json_with_known_kinds(settings):
    from partners.models import InstitutionKind

    path = settings.BASE_DIR / "partners" / "data" / "institutions.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    assert {r["kind"] for r in records} <= set(InstitutionKind.values)
    assert all(r["name_en"] not in r["aliases"] for r in records)
