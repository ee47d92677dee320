"""The partner directory's reference data: every institution the library's page names."""

import json
from pathlib import Path

from .models import Institution, InstitutionAlias

DATA_FILE = Path(__file__).resolve().parent / "data" / "institutions.json"
FIELDS = ["name_en", "name_ko", "kind", "country", "city", "address", "website"]


def read_institutions():
    with open(DATA_FILE, encoding="utf-8") as f:
        return json.load(f)


def load():
    """Create or update the institutions; returns how many rows changed.

    Aliases are only added, never removed, so that spellings staff add by
    hand survive a reload.
    """
    changed = 0
    existing = {i.key: i for i in Institution.objects.filter(key__in=[r["key"] for r in read_institutions()])}
    for record in read_institutions():
        institution = existing.get(record["key"])
        if institution is None:
            institution = Institution.objects.create(key=record["key"], **{f: record[f] for f in FIELDS})
            changed += 1
        else:
            stale = [f for f in FIELDS if getattr(institution, f) != record[f]]
            if stale:
                for field in stale:
                    setattr(institution, field, record[field])
                institution.save(update_fields=[*stale, "updated_at"])
                changed += 1
        known = set(institution.aliases.values_list("name", flat=True))
        new_aliases = [InstitutionAlias(institution=institution, name=a) for a in record["aliases"] if a not in known]
        InstitutionAlias.objects.bulk_create(new_aliases)
        changed += len(new_aliases)
    return changed
