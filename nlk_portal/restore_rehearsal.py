"""The restore rehearsal: a `pg_dump -Fc` dump loaded into a scratch PostgreSQL database and checked as a real
restore would need it (the code's migrations, the invoices' and statements' files in a backup of the file
storage, the figures of the live database the dump was made from). `manage.py rehearse_restore` runs it.

The scratch database is made on the server DATABASE_URL names, with its role and password, and read through
a connection alias made for the rehearsal; the live database is only read.
"""

import copy
import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import DatabaseError, connections
from django.db.backends.postgresql.client import DatabaseClient
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count

from ill.models import Borrowing, IllRequest, Invoice
from nlk_portal.outbox.models import OutboxEntry

SCRATCH_ALIAS = "restore_rehearsal"
# Names the rehearsal creates and drops: letters, digits, _ and -, at most PostgreSQL's 63 bytes; always quoted.
DATABASE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,62}")
# The server's own databases, never a scratch database.
SERVER_DATABASES = {"postgres", "template0", "template1"}
# The object storage backend the settings configure with AWS_STORAGE_BUCKET_NAME.
S3_BACKEND = "storages.backends.s3.S3Storage"
# Files named in a failure, at most; the rest are counted.
NAMED_AT_MOST = 20


class RehearsalError(Exception):
    """The rehearsal cannot go on: a refused name, a dump pg_restore cannot read or restore."""


def libpq_environment() -> dict[str, str]:
    """The environment in which pg_restore and pg_dump reach the live database's server as the portal does."""
    db = connections["default"].settings_dict
    _args, extra = DatabaseClient.settings_to_cmd_args_env(db, [])
    env = {**os.environ, **(extra or {})}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[variable] = str(db[key])
    return env


def read_dump(path: Path) -> dict[str, str]:
    """What the dump's header says: the database it was made of (dbname), when (created), the server's version."""
    listed = subprocess.run(
        ["pg_restore", "--list", str(path)], capture_output=True, text=True, check=False, env=libpq_environment()
    )
    if listed.returncode:
        raise RehearsalError(f"pg_restore cannot read {path} as a pg_dump -Fc dump: {listed.stderr.strip()}")
    header = {}
    for line in listed.stdout.splitlines():
        if created := re.match(r";\s*Archive created at (.+)", line):
            # pg_dump keeps the clock time of the machine that made the dump, without its zone; pg_restore
            # prints it with the zone of whoever reads it (Asia/Seoul here), which would be a guess.
            header["created"] = re.sub(r"\s+(?:[A-Za-z]{2,6}|[+-]\d{2,4})$", "", created[1].strip())
        elif named := re.match(r";\s*(dbname|Dumped from database version):\s*(.*)", line):
            header[named[1]] = named[2].strip()
    return header


def check_scratch_name(name: str, *, dump_source: str = "") -> None:
    """Refuse a scratch database name that is not a plain name, or names the live database or a server's own."""
    live = connections["default"].settings_dict["NAME"]
    if not DATABASE_NAME.fullmatch(name):
        raise RehearsalError(
            f"{name!r} cannot name the scratch database: letters, digits, _ and - only, at most 63, "
            "starting with a letter or _."
        )
    if name == live or name == dump_source:
        raise RehearsalError(
            f"The scratch database must not be the live database ({name}): the rehearsal creates and drops it."
        )
    if name in SERVER_DATABASES:
        raise RehearsalError(f"The scratch database must not be the server's own database {name}.")


def _quoted(name: str) -> str:
    return connections["default"].ops.quote_name(name)


def _exists(name: str) -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def _drop(name: str) -> None:
    with connections["default"].cursor() as cursor:
        # FORCE ends any session still connected to it (PostgreSQL 13 and later).
        cursor.execute(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")


@contextmanager
def scratch_database(name: str, *, replace: bool, keep: bool) -> Iterator[str]:
    """Create the empty database `name` and yield a connection alias for it; drop it afterwards unless `keep`.

    One that exists already is refused, or dropped first with `replace`. Made from template0, as PostgreSQL
    advises for restoring a pg_dump, so nothing of template1 is in the way.
    """
    if _exists(name) and not replace:
        raise RehearsalError(
            f"The database {name} exists already: pass --replace to drop it and restore into it again, "
            "or name another with --scratch-database."
        )
    try:
        _drop(name)
        with connections["default"].cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {_quoted(name)} TEMPLATE template0")
    except DatabaseError as error:
        raise RehearsalError(
            f"The scratch database {name} could not be made ({str(error).strip()}): the role of DATABASE_URL "
            "needs CREATEDB, or run the rehearsal with a DATABASE_URL whose role has it."
        ) from None
    # The live connection's settings with the scratch name, under an alias of its own that queries name with
    # .using(); it is not added to the settings, so nothing that walks every database (close_old_connections,
    # the checks) touches it.
    live = connections["default"]
    settings_dict = copy.deepcopy(live.settings_dict)
    settings_dict.update(NAME=name, CONN_MAX_AGE=0)
    connections[SCRATCH_ALIAS] = type(live)(settings_dict, SCRATCH_ALIAS)
    try:
        yield SCRATCH_ALIAS
    finally:
        connections[SCRATCH_ALIAS].close()
        del connections[SCRATCH_ALIAS]
        if not keep:
            _drop(name)


def restore(path: Path, database: str) -> None:
    """Load the dump into `database` in one transaction: any error stops it and leaves the database empty.

    Objects are owned by the role that restores, and no grants are restored: the roles of the server the dump
    came from need not exist here.
    """
    restored = subprocess.run(
        ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
         "--dbname", database, str(path)],
        capture_output=True, text=True, check=False, env=libpq_environment(),
    )
    if restored.returncode:
        raise RehearsalError(f"pg_restore could not restore {path}: {restored.stderr.strip()}")


def migration_differences(alias: str) -> tuple[int, list[str], list[str]]:
    """The code's migrations (how many), those the database lacks, and those it has that the code does not."""
    executor = MigrationExecutor(connections[alias])
    loader = executor.loader
    lacking = [f"{migration.app_label}.{migration.name}"
               for migration, _backwards in executor.migration_plan(loader.graph.leaf_nodes())]
    # Migrations a squashed one replaced stay recorded after their files go.
    replaced = {key for migration in loader.disk_migrations.values() for key in migration.replaces}
    unknown = sorted(
        f"{app}.{name}"
        for app, name in loader.applied_migrations
        if app in loader.migrated_apps and (app, name) not in loader.disk_migrations and (app, name) not in replaced
    )
    return len(loader.graph.nodes), lacking, unknown


def figures_of(alias: str) -> dict[str, int]:
    """Rows of the database behind `alias`, by what they are: requests, invoices, files named, outbox rows by state."""
    figures = {
        "ILL requests": IllRequest.objects.using(alias).count(),
        "invoices": Invoice.objects.using(alias).count(),
        "invoices with a PDF": Invoice.objects.using(alias).exclude(pdf="").count(),
        "settlement statements": Borrowing.objects.using(alias).exclude(statement_pdf="").count(),
    }
    by_state = dict(OutboxEntry.objects.using(alias).values_list("state").annotate(rows=Count("id")))
    for state in OutboxEntry.State:
        figures[f"outbox {state.value}"] = by_state.get(state.value, 0)
    return figures


def files_storage(*, media_backup: Path | None = None, bucket: str = "") -> tuple[Storage, str]:
    """The storage the restored rows' files are looked for in, and its description.

    A folder (a copy of MEDIA_ROOT); a bucket read with the configured object storage's settings (a copy made
    with `aws s3 sync` or replication); or, with neither, the storage the portal is configured with.
    """
    if media_backup is not None:
        if not media_backup.is_dir():
            raise RehearsalError(f"The media backup {media_backup} is not a folder.")
        return FileSystemStorage(location=media_backup), f"the folder {media_backup}"
    if bucket:
        params = cast(dict[str, Any], settings.STORAGES["default"])
        options = dict(params.get("OPTIONS", {})) if params["BACKEND"] == S3_BACKEND else {}
        options["bucket_name"] = bucket
        return storages.create_storage({"BACKEND": S3_BACKEND, "OPTIONS": options}), f"the bucket {bucket}"
    configured = storages["default"]
    if isinstance(configured, FileSystemStorage):
        return configured, f"the configured file storage (the folder {configured.location})"
    return configured, f"the configured file storage (the bucket {getattr(configured, 'bucket_name', '?')})"


def missing_files(alias: str, storage: Storage) -> dict[str, tuple[int, list[str]]]:
    """For invoices and for settlement statements: how many files the restored rows name, and those not in
    `storage` ("INV-2026-1 (invoices/2026/INV-2026-1.pdf)")."""
    named = {
        "invoice PDFs": Invoice.objects.using(alias).exclude(pdf="").order_by("number").values_list("number", "pdf"),
        "settlement statements": Borrowing.objects.using(alias)
        .exclude(statement_pdf="")
        .order_by("request__reference")
        .values_list("request__reference", "statement_pdf"),
    }
    result = {}
    for kind, rows in named.items():
        checked, missing = 0, []
        for label, name in rows.iterator():
            checked += 1
            if not storage.exists(name):
                missing.append(f"{label} ({name})")
        result[kind] = (checked, missing)
    return result


def differences(restored: dict[str, int], live: dict[str, int]) -> list[str]:
    """Each figure that is not the same in both: "invoices: 3 restored, 4 live"."""
    return [
        f"{name}: {restored[name]} restored, {live[name]} live" for name in restored if restored[name] != live[name]
    ]


def named(items: list[str]) -> str:
    """The first NAMED_AT_MOST of `items`, and how many more."""
    shown = ", ".join(items[:NAMED_AT_MOST])
    return shown + (f" and {len(items) - NAMED_AT_MOST} more" if len(items) > NAMED_AT_MOST else "")
