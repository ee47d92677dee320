"""The cooperation records the library's page states, from exchange/data/cooperation.json.

Records are created when missing and never overwritten: staff keep them after
the first load (a site's year learnt later, a figure brought up to date), and
the release runs this loader on every deploy.
"""

import json
from itertools import groupby
from pathlib import Path

from partners.models import Institution

from .models import (
    BusinessExchange,
    Depositor,
    ExchangeAgreement,
    Meeting,
    PartnershipCohort,
    PartnershipParticipant,
    PublishedFigure,
    SupplyPlan,
    WindowOnKoreaSite,
)

DATA_FILE = Path(__file__).resolve().parent / "data" / "cooperation.json"
PLAN_NAME = "Window on Korea"


def read_records():
    with open(DATA_FILE, encoding="utf-8") as f:
        return json.load(f)


def load():
    """Create the missing records; returns how many were created."""
    data = read_records()
    institutions = Institution.objects.in_bulk(field_name="key")
    figures = {f["key"]: f for f in data["published_figures"]}
    return (
        load_business_exchange(data["business_exchange"], institutions)
        + load_agreements(data["agreements"], institutions)
        + load_depositors(data["deposit_organizations"], institutions)
        + load_cultural_partnership(data["cultural_partnership"], institutions, figures)
        + load_window_on_korea(data["window_on_korea"], data["window_on_korea_plan"], institutions)
        + load_published_figures(figures)
    )


def load_business_exchange(records, institutions):
    created = 0
    for record in records:
        exchange, new = BusinessExchange.objects.get_or_create(
            institution=institutions[record["institution"]],
            defaults={
                "cadence": record["cadence"],
                "since": record["since"],
                "co_hosted_exhibitions": record["co_hosted_exhibitions"],
            },
        )
        created += new
        for year in record["years"]:
            created += Meeting.objects.get_or_create(exchange=exchange, year=year)[1]
    return created


def load_agreements(records, institutions):
    fields = ["since", "bilateral", "terms", "terms_ko", "nlk_sends", "partner_sends"]
    return sum(
        ExchangeAgreement.objects.get_or_create(
            institution=institutions[r["institution"]], kind=r["kind"], defaults={f: r[f] for f in fields}
        )[1]
        for r in records
    )


def load_depositors(keys, institutions):
    # The page names the organizations by acronym; their directory keys are
    # those acronyms in lower case.
    return sum(
        Depositor.objects.get_or_create(institution=institutions[key], defaults={"acronym": key.upper()})[1]
        for key in keys
    )


def load_cultural_partnership(records, institutions, figures):
    created = 0
    weeks = figures["cultural_partnership_weeks"]["value"]
    for position, rows in groupby(records, key=lambda r: r["row"]):
        rows = list(rows)
        cohort, new = PartnershipCohort.objects.get_or_create(
            position=position, defaults={"year": rows[0]["year"], "training_weeks": weeks}
        )
        created += new
        for row in rows:
            created += PartnershipParticipant.objects.get_or_create(
                cohort=cohort,
                institution=institutions[row["institution"]],
                defaults={"country": row["country"]},
            )[1]
    return created


def load_window_on_korea(records, plan_record, institutions):
    plan, new = SupplyPlan.objects.get_or_create(
        name=PLAN_NAME,
        defaults={
            "first_year_min_volumes": plan_record["first_year_volumes_min"],
            "first_year_max_volumes": plan_record["first_year_volumes_max"],
            "yearly_volumes": plan_record["yearly_volumes"],
            "yearly_years": plan_record["yearly_years"],
        },
    )
    created = int(new)
    for record in records:
        institution = institutions[record["institution"]]
        # Numbered sites are known by their number; ended sites have none.
        if record["number"] is not None:
            existing = WindowOnKoreaSite.objects.filter(number=record["number"])
        else:
            existing = WindowOnKoreaSite.objects.filter(institution=institution, ended=True)
        if existing.exists():
            continue
        WindowOnKoreaSite.objects.create(
            number=record["number"],
            institution=institution,
            country=record["country"],
            established_year=record["year"],
            ended=record["ended"],
            plan=plan,
        )
        created += 1
    return created


def load_published_figures(figures):
    created = 0
    for key, since_key in [
        ("exchange_partners", None),
        ("korean_studies_supply", "korean_studies_since"),
        ("cultural_partnership_participants", None),
    ]:
        record = figures[key]
        created += PublishedFigure.objects.get_or_create(
            key=key,
            defaults={
                "count": record.get("libraries", record.get("persons")),
                "countries": record["countries"],
                "since": figures[since_key]["value"] if since_key else None,
            },
        )[1]
    return created
