from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGUES = sorted(
    path
    for path in Path(settings.BASE_DIR).glob("**/locale/ko/LC_MESSAGES/django.po")
    if ".venv" not in path.parts
)


def test_every_part_of_the_portal_has_a_korean_catalogue():
    folders = {str(path.parents[3].relative_to(settings.BASE_DIR)) for path in CATALOGUES}
    assert {".", "partners", "ill", "exchange"} <= folders


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_every_string_is_translated_into_korean(catalogue):
    po = polib.pofile(str(catalogue))

    assert po.untranslated_entries() == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    assert po.metadata["Plural-Forms"].startswith("nplurals=1;")
