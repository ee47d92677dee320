"""The portal in Korean: every message its code and templates use shows in Korean, and the Korean
each catalogue gives is the one users see (Django merges every catalogue, and the first that
translates a message wins)."""

import functools
import re
import subprocess
import tempfile
from pathlib import Path

import axes
import django.contrib.admin
import polib
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation.template import templatize

BASE_DIR = Path(settings.BASE_DIR)

CATALOGUES = sorted(
    path
    for path in BASE_DIR.glob("**/locale/ko/LC_MESSAGES/django.po")
    if ".venv" not in path.parts
)

# The portal's own code and templates; what they mark for translation is what Korean users see.
SOURCES = ("nlk_portal", "partners", "ill", "exchange", "templates")

# makemessages's own xgettext keywords for the "django" domain.
XGETTEXT_KEYWORDS = [
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
    "--keyword=npgettext:1c,2,3",
    "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3",
]

# Codes and acronyms that read the same in Korean.
SAME_IN_KOREAN = {"ISO 18626", "PDF", "CSV", "XLSX", "XML", "ISBN", "ISSN", "USD", "KRW", "IFLA", "WOK"}

# What is left of a message once its placeholders are taken out: if no letters remain, there is
# nothing to translate ("%(low)s–%(high)s").
PLACEHOLDER = re.compile(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sd]|\{[^{}]*\}")


def extract(folders):
    """Every message the code and templates under these folders mark, as `makemessages` extracts them."""
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        files = []
        for folder in folders:
            for path in sorted(folder.rglob("*")):
                if "__pycache__" in path.parts or "locale" in path.parts or not path.is_file():
                    continue
                if path.suffix == ".py":
                    files.append(str(path))
                elif path.suffix in (".html", ".txt"):
                    # As makemessages does: the template turned into Python that xgettext reads.
                    target = scratch / f"{len(files)}{path.name}.py"
                    target.write_text(templatize(path.read_text(encoding="utf-8"), origin=str(path)))
                    files.append(str(target))
        listing = scratch / "files.txt"
        listing.write_text("\n".join(files) + "\n")
        output = subprocess.run(
            ["xgettext", "--language=Python", "--from-code=UTF-8", "--output=-", "--files-from", str(listing)]
            + XGETTEXT_KEYWORDS,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return [entry for entry in polib.pofile(output) if entry.msgid]


@functools.cache
def project_messages():
    """Every message the portal's code and templates mark."""
    return extract([BASE_DIR / top for top in SOURCES])


@functools.cache
def overridden_messages():
    """Messages of installed apps that the root catalogue translates for them: django-axes ships no
    Korean, and a few of Django's admin's own Korean read badly."""
    return extract([Path(axes.__file__).parent, Path(django.contrib.admin.__file__).parent])


def key(entry):
    return (entry.msgctxt, entry.msgid)


def label(entry):
    return f"{entry.msgctxt} | {entry.msgid}" if entry.msgctxt else entry.msgid


def korean(entry):
    """What a Korean user sees for this message, with every catalogue of the portal in force."""
    with translation.override("ko"):
        if entry.msgid_plural:
            if entry.msgctxt:
                return translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 2)
            return translation.ngettext(entry.msgid, entry.msgid_plural, 2)
        if entry.msgctxt:
            return translation.pgettext(entry.msgctxt, entry.msgid)
        return translation.gettext(entry.msgid)


def catalogue_id(path):
    return str(path.relative_to(BASE_DIR))


def test_every_part_of_the_portal_has_a_korean_catalogue():
    folders = {str(path.parents[3].relative_to(BASE_DIR)) for path in CATALOGUES}
    assert {".", "partners", "ill", "exchange"} <= folders


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=catalogue_id)
def test_every_string_is_translated_into_korean(catalogue):
    po = polib.pofile(str(catalogue))

    assert po.untranslated_entries() == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    assert po.metadata["Plural-Forms"].startswith("nplurals=1;")


def test_the_extraction_reads_the_portals_messages():
    messages = {key(entry): entry for entry in project_messages()}

    # Code, templates, plurals and contexts alike.
    assert len(messages) > 1000
    assert ("request", "History") in messages
    assert ("past the due date", "Overdue") in messages
    assert any(entry.msgid_plural for entry in messages.values())


def test_every_message_of_the_portal_shows_in_korean():
    english = [
        label(entry)
        for entry in project_messages()
        if entry.msgid not in SAME_IN_KOREAN
        and re.search(r"[A-Za-z]", PLACEHOLDER.sub("", entry.msgid))
        and korean(entry) in (entry.msgid, entry.msgid_plural)
    ]

    assert english == []


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=catalogue_id)
def test_the_korean_of_each_catalogue_is_what_users_see(catalogue):
    """A message two catalogues translate differently shows only one of them (the root catalogue
    first, then Django's admin and the apps in INSTALLED_APPS order): each catalogue's Korean must
    be the one shown."""
    shadowed = [
        f"{label(entry)}: {entry.msgstr or entry.msgstr_plural[0]!r} shows as {korean(entry)!r}"
        for entry in polib.pofile(str(catalogue))
        if (entry.msgstr or entry.msgstr_plural.get(0)) != korean(entry)
    ]

    assert shadowed == []


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=catalogue_id)
def test_each_catalogue_translates_only_what_the_portal_uses(catalogue):
    used = {key(entry) for entry in project_messages()}
    if catalogue == BASE_DIR / "locale" / "ko" / "LC_MESSAGES" / "django.po":
        used |= {key(entry) for entry in overridden_messages()}

    assert [label(entry) for entry in polib.pofile(str(catalogue)) if key(entry) not in used] == []


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=catalogue_id)
def test_placeholders_are_checked_where_the_code_formats_the_message(catalogue):
    """msgfmt -c checks the placeholders of the Korean only in entries flagged as formats."""
    formats = {"python-format", "python-brace-format"}
    flags = {key(entry): formats & set(entry.flags) for entry in project_messages()}

    unflagged = [
        label(entry)
        for entry in polib.pofile(str(catalogue))
        if not flags.get(key(entry), set()) <= set(entry.flags)
    ]

    assert unflagged == []
