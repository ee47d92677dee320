"""How long an invoice PDF takes to print: milliseconds per PDF, first and following.

    DJANGO_DEBUG=1 .venv/bin/python scripts/bench_invoice_pdf.py [--count 20] [--language ko] [--out invoice.pdf]

Runs on a throwaway in-memory SQLite database; nothing is stored or sent.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ["DATABASE_URL"] = "sqlite://:memory:"
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nlk_portal.settings")


def main():
    options = parse()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    invoice = sample_invoice(options.language)
    from ill.services import pdf

    timings = []
    for _ in range(options.count):
        started = time.perf_counter()
        content = pdf.render_invoice(invoice)
        timings.append((time.perf_counter() - started) * 1000)
    if options.out:
        Path(options.out).write_bytes(content)
    following = timings[1:] or timings
    print(f"invoice PDF ({options.language}, {len(content) / 1024:.0f} KiB), {options.count} renders:")
    print(f"  first (loads WeasyPrint and the fonts): {timings[0]:.0f} ms")
    print(f"  following: median {statistics.median(following):.0f} ms, max {max(following):.0f} ms")


def parse():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--language", default="en", choices=["en", "ko"])
    parser.add_argument("--out", help="also write the last PDF here")
    return parser.parse_args()


def sample_invoice(language):
    from datetime import date
    from decimal import Decimal

    from django.utils import timezone

    from ill.models import FeeSchedule, IllRequest, Invoice, InvoiceLine
    from partners.models import Institution

    schedule = FeeSchedule.objects.get_or_create(
        effective_from=date(2026, 1, 1),
        defaults=dict(copying_base_fee=Decimal("5.00"), copying_base_pages=10, copying_step_fee=Decimal("4.00"),
                      copying_step_pages=10, shipping_fee=Decimal("3.00")),
    )[0]
    library = Institution.objects.create(
        name_en="Korean Studies Library, University of Tokyo", name_ko="도쿄대학교 한국학도서관", kind="academic"
    )
    ill_request = IllRequest.objects.create(
        reference="ILL-2026-000001", requesting_library=library, contact_name="김민지",
        email="ill@example.org", postal_address="7-3-1 Hongo, Bunkyo-ku\nTokyo 113-8654\nJapan",
        item_type="monograph", title="조선왕조실록 연구", author="김윤식", publisher="문학과지성사", year=1994,
        service="copy", delivery="post", pages_wanted="1-23", page_count=23, pages_copied=23,
        fee_schedule=schedule, copying_fee=Decimal("13.00"), shipping_fee=Decimal("3.00"), currency="USD",
        language=language, due_date=date(2026, 12, 25),
    )
    invoice = Invoice.objects.create(
        number="INV-2026-000001", request=ill_request, fee_schedule=schedule,
        issued_on=timezone.localdate(), currency="USD", total=Decimal("16.00"),
    )
    InvoiceLine.objects.create(invoice=invoice, kind="copying", pages=23, amount=Decimal("13.00"))
    InvoiceLine.objects.create(invoice=invoice, kind="shipping", amount=Decimal("3.00"))
    return invoice


if __name__ == "__main__":
    main()
