import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections

from nlk_portal import restore_rehearsal as rehearsal


class Command(BaseCommand):
    help = (
        "Restore a pg_dump -Fc dump of the portal's database into a scratch database on the same server, check "
        "it and print a report: the code's migrations, ILL requests, invoices, outbox rows by state, the "
        "invoices' and statements' files in a backup of the file storage, and (--compare-live) the same "
        "figures in the live database. Exits non-zero when a check fails. The scratch database is dropped "
        "at the end unless --keep."
    )

    def add_arguments(self, parser):
        parser.add_argument("dump", type=Path, help="A dump made by pg_dump -Fc.")
        parser.add_argument(
            "--scratch-database", metavar="NAME",
            help="The database to restore into, on the live database's server (default: <live name>_rehearsal). "
            "It must not exist, unless --replace; never the live database.",
        )
        parser.add_argument("--replace", action="store_true", help="Drop the scratch database first if it exists.")
        parser.add_argument("--keep", action="store_true", help="Keep the scratch database afterwards.")
        files = parser.add_mutually_exclusive_group()
        files.add_argument(
            "--media-backup", type=Path, metavar="DIR",
            help="A copy of MEDIA_ROOT to look for the invoices' and statements' files in.",
        )
        files.add_argument(
            "--bucket", metavar="NAME",
            help="A copy of the object storage bucket to look for them in, read with the configured "
            "AWS_S3_* settings and keys. With neither, the configured file storage is read.",
        )
        parser.add_argument(
            "--compare-live", action="store_true",
            help="Compare the figures with the live database's (meaningful for a dump taken just before).",
        )

    def handle(self, *args, dump, scratch_database, replace, keep, media_backup, bucket, compare_live, **options):
        live = connections["default"].settings_dict["NAME"]
        if connections["default"].vendor != "postgresql":
            raise CommandError("The restore rehearsal needs the portal on PostgreSQL (DATABASE_URL).")
        scratch = scratch_database or f"{live}_rehearsal"
        try:
            header = rehearsal.read_dump(dump)
            rehearsal.check_scratch_name(scratch, dump_source=header.get("dbname", ""))
            storage, where = rehearsal.files_storage(media_backup=media_backup, bucket=bucket or "")
            self.stdout.write(f"Restore rehearsal of {dump}")
            self.stdout.write(
                f"  a dump of the database {header.get('dbname', '?')} made {header.get('created', '?')} "
                f"(the clock of the machine that made it), "
                f"PostgreSQL {header.get('Dumped from database version', '?')}"
            )
            with rehearsal.scratch_database(scratch, replace=replace, keep=keep) as alias:
                started = time.monotonic()
                rehearsal.restore(dump, scratch)
                self.stdout.write(f"Restored into the scratch database {scratch} in {time.monotonic() - started:.1f} s.")
                failures = self.check_restored(alias, storage, where, compare_live=compare_live, live=live)
        except rehearsal.RehearsalError as error:
            raise CommandError(str(error)) from None
        if keep:
            self.stdout.write(f"The scratch database {scratch} is kept: drop it with `dropdb {scratch}`.")
        else:
            self.stdout.write(f"The scratch database {scratch} was dropped.")
        if failures:
            raise CommandError("The restore rehearsal failed: " + "; ".join(failures))
        self.stdout.write(self.style.SUCCESS("The restore rehearsal passed."))

    def check_restored(self, alias, storage, where, *, compare_live, live):
        """Print each check's outcome; return the failures, in words."""
        failures = []
        total, lacking, unknown = rehearsal.migration_differences(alias)
        if lacking:
            failures.append(f"the dump lacks migrations of the code ({len(lacking)}): {rehearsal.named(lacking)}")
        if unknown:
            failures.append(f"the dump has migrations the code lacks ({len(unknown)}): {rehearsal.named(unknown)}")
        if lacking or unknown:
            self.stdout.write(f"Migrations: FAILED, the dump's are not the code's {total}.")
        else:
            self.stdout.write(f"Migrations: ok, the dump has all {total} of the code's and no other.")
        try:
            figures = rehearsal.figures_of(alias)
            missing = rehearsal.missing_files(alias, storage)
        except DatabaseError as error:
            return [*failures, f"the restored database could not be read: {error}"]
        self.stdout.write("In the restored database:")
        for name, value in figures.items():
            self.stdout.write(f"  {name}: {value}")
        self.stdout.write(f"Files in {where}:")
        for kind, (checked, absent) in missing.items():
            outcome = "ok" if not absent else "FAILED"
            self.stdout.write(f"  {kind}: {checked - len(absent)} of {checked} found, {outcome}")
            if absent:
                failures.append(f"{kind} missing from {where} ({len(absent)}): {rehearsal.named(absent)}")
        if compare_live:
            differ = rehearsal.differences(figures, rehearsal.figures_of("default"))
            if differ:
                self.stdout.write(f"Live database {live}: FAILED, differs in " + "; ".join(differ))
                failures.append(f"the live database {live} differs: " + "; ".join(differ))
            else:
                self.stdout.write(f"Live database {live}: matches ({len(figures)} figures).")
        return failures
