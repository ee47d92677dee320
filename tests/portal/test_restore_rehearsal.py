"""The restore rehearsal (`manage.py rehearse_restore`): a real pg_dump of the test database restored into a
scratch database on the same PostgreSQL server, checked against a copy of the media folder or a bucket, and
compared with the database it was made of.
"""

import io
import os
import shutil
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection

from ill.models import Invoice
from nlk_portal.outbox.models import OutboxEntry
from nlk_portal.restore_rehearsal import libpq_environment
from tests.factories import submit_ill_request
from tests.ill.supply import supply_copy

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("restores a pg_dump dump: needs DATABASE_URL on PostgreSQL (as in CI)")


@pytest.fixture
def live_name():
    return connection.settings_dict["NAME"]


@pytest.fixture
def scratch(live_name):
    """The scratch database's default name; dropped after the test if a test kept it."""
    name = f"{live_name}_rehearsal"
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def invoice(source_fee_schedule):
    """Three requests, one of them copied and invoiced, its invoice's PDF in the media folder."""
    submit_ill_request(title="한국 근대 문학사")
    submit_ill_request(title="조선왕조실록 연구", service="loan", pages_wanted="")
    return Invoice.objects.get(request=supply_copy(pages_copied=23))


def pg_dump(path, *options):
    subprocess.run(
        ["pg_dump", "-Fc", *options, "--file", str(path), "--dbname", connection.settings_dict["NAME"]],
        env=libpq_environment(), check=True, capture_output=True,
    )


def database_exists(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def rehearse(*args):
    """The command's report, line by line."""
    out = io.StringIO()
    call_command("rehearse_restore", *[str(arg) for arg in args], stdout=out)
    return out.getvalue().splitlines()


def test_a_dump_restores_with_every_invoice_pdf_in_the_media_backup_and_matches_the_live_database(
    tmp_path, private_media, invoice, live_name, scratch
):
    dump = tmp_path / "portal.dump"
    pg_dump(dump)
    backup = tmp_path / "media-backup"
    shutil.copytree(private_media, backup)
    done = OutboxEntry.objects.filter(state=OutboxEntry.State.DONE).count()
    assert invoice.pdf and done > 0

    report = rehearse(dump, "--media-backup", backup, "--compare-live")

    assert report[1].startswith(f"  a dump of the database {live_name} made ")
    assert f"Restored into the scratch database {scratch} in" in report[2]
    assert report[3].startswith("Migrations: ok, the dump has all ")
    assert report[4:15] == [
        "In the restored database:",
        "  ILL requests: 3",
        "  invoices: 1",
        "  invoices with a PDF: 1",
        "  settlement statements: 0",
        "  outbox pending: 0",
        "  outbox queued: 0",
        "  outbox running: 0",
        "  outbox retrying: 0",
        f"  outbox done: {done}",
        "  outbox failed: 0",
    ]
    assert report[15:] == [
        f"Files in the folder {backup}:",
        "  invoice PDFs: 1 of 1 found, ok",
        "  settlement statements: 0 of 0 found, ok",
        f"Live database {live_name}: matches (10 figures).",
        f"The scratch database {scratch} was dropped.",
        "The restore rehearsal passed.",
    ]
    assert not database_exists(scratch)


def test_an_invoice_pdf_missing_from_the_media_backup_fails_the_rehearsal_and_names_the_invoice(
    tmp_path, private_media, invoice, scratch
):
    dump = tmp_path / "portal.dump"
    pg_dump(dump)
    backup = tmp_path / "media-backup"
    shutil.copytree(private_media, backup)
    (backup / invoice.pdf.name).unlink()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "rehearse_restore", str(dump), "--media-backup", str(backup)],
        cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, check=False,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "  invoice PDFs: 0 of 1 found, FAILED" in result.stdout.splitlines()
    assert (
        f"CommandError: The restore rehearsal failed: invoice PDFs missing from the folder {backup} (1): "
        f"{invoice.number} ({invoice.pdf.name})"
    ) in result.stderr
    assert f"The scratch database {scratch} was dropped." in result.stdout
    assert not database_exists(scratch)


def test_a_request_made_after_the_dump_shows_as_a_difference_from_the_live_database(
    tmp_path, invoice, scratch
):
    dump = tmp_path / "portal.dump"
    pg_dump(dump)
    done = OutboxEntry.objects.filter(state=OutboxEntry.State.DONE).count()
    submit_ill_request(title="After the dump")  # and its acknowledgement sent

    with pytest.raises(CommandError) as failed:
        rehearse(dump, "--compare-live")

    assert str(failed.value).endswith(
        f"differs: ILL requests: 3 restored, 4 live; outbox done: {done} restored, {done + 1} live"
    )

    assert not database_exists(scratch)


def test_a_dump_without_the_record_of_its_migrations_fails_the_rehearsal(tmp_path, invoice):
    dump = tmp_path / "portal.dump"
    pg_dump(dump, "--exclude-table-data=django_migrations")

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations")
        [applied] = cursor.fetchone()

    with pytest.raises(CommandError) as refused:
        rehearse(dump)

    assert f"the dump lacks migrations of the code ({applied}): contenttypes.0001_initial, " in str(refused.value)
    assert str(refused.value).endswith(f" and {applied - 20} more")


def test_a_dump_of_a_newer_release_fails_the_rehearsal(tmp_path, invoice):
    dump = tmp_path / "portal.dump"
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('ill', '9999_of_a_newer_release', now())"
        )
    try:
        pg_dump(dump)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM django_migrations WHERE name = '9999_of_a_newer_release'")

    with pytest.raises(CommandError, match=r"the dump has migrations the code lacks \(1\): ill.9999_of_a_newer_release$"):
        rehearse(dump)


def test_the_live_database_is_never_the_scratch_one_and_an_existing_one_is_replaced_only_when_asked(
    tmp_path, invoice, live_name, scratch
):
    dump = tmp_path / "portal.dump"
    pg_dump(dump)

    with pytest.raises(CommandError, match="must not be the live database"):
        rehearse(dump, "--scratch-database", live_name)
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{scratch}"')
    with pytest.raises(CommandError, match="exists already: pass --replace"):
        rehearse(dump)
    assert database_exists(scratch), "a database the rehearsal did not make is left alone"

    report = rehearse(dump, "--replace", "--keep")

    assert "  ILL requests: 3" in report
    assert f"The scratch database {scratch} is kept: drop it with `dropdb {scratch}`." in report
    kept = subprocess.run(
        ["psql", "-Atc", "SELECT number FROM ill_invoice", "--dbname", scratch],
        env=libpq_environment(), check=True, capture_output=True, text=True,
    )
    assert kept.stdout.split() == [invoice.number]


def test_the_files_are_looked_for_in_a_bucket_or_the_configured_object_storage(
    tmp_path, object_storage, invoice, scratch
):
    s3, name = object_storage
    dump = tmp_path / "portal.dump"
    pg_dump(dump)
    assert s3.get_object(Bucket=name, Key=f"portal/{invoice.pdf.name}")["Body"].read().startswith(b"%PDF")

    assert "  invoice PDFs: 1 of 1 found, ok" in rehearse(dump, "--bucket", name)
    assert f"Files in the configured file storage (the bucket {name}):" in rehearse(dump)
    s3.delete_object(Bucket=name, Key=f"portal/{invoice.pdf.name}")
    with pytest.raises(CommandError, match=rf"invoice PDFs missing from the bucket {name} \(1\): {invoice.number} "):
        rehearse(dump, "--bucket", name)
