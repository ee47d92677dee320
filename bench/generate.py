"""A realistic workload in a scratch database: institutions, ILL requests with their history, shipments.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nlk_bench .venv/bin/python -m bench.generate --requests 1000000

Rows are made in Python and written with PostgreSQL's COPY, a batch at a time; the
secondary indexes are dropped for the load and built again afterwards, as a
restore does. The tables it fills are emptied first, so it refuses a database
whose name does not contain "bench". Prints one JSON line with the counts and seconds.
"""

import io
import json
import random
import secrets
import time
from datetime import datetime, timedelta

from bench import setup_django

BATCH = 50_000
YEARS = 10
# Requests this recent are still being worked; older ones are closed, but for a few stuck ones.
OPEN_WINDOW = timedelta(days=60)
STUCK_SHARE = 0.002

# Where the library's partners are, weighted roughly as its directory is.
COUNTRY_WEIGHTS = {
    "US": 18, "JP": 14, "CN": 12, "DE": 6, "FR": 5, "GB": 5, "CA": 4, "AU": 4, "RU": 3, "VN": 3,
    "TW": 3, "IT": 2, "ES": 2, "NL": 2, "SE": 2, "PL": 2, "CZ": 1, "AT": 1, "BE": 1, "CH": 1, "DK": 1,
    "FI": 1, "NO": 1, "HU": 1, "TR": 1, "IN": 2, "ID": 1, "MY": 1, "TH": 1, "PH": 1, "MN": 1, "KZ": 1,
    "UZ": 1, "BR": 1, "MX": 1, "AR": 1, "CL": 1, "NZ": 1, "SG": 1, "IL": 1, "EG": 1, "ZA": 1,
}
KINDS = [("academic", 70), ("public", 8), ("national", 2), ("special", 8), ("research", 10), ("international_org", 2)]
KO_WORDS = ["한국", "근대", "문학사", "조선", "왕조", "실록", "연구", "경제", "역사", "불교", "미술", "지리",
            "고려", "사회", "민속", "음악", "철학", "언어", "교육", "정치", "신라", "백제", "고구려", "한글"]
EN_WORDS = ["Korean", "modern", "literature", "Joseon", "dynasty", "annals", "studies", "economy", "history",
            "Buddhism", "art", "geography", "Goryeo", "society", "folklore", "music", "philosophy", "language",
            "education", "politics", "Silla", "Baekje", "colonial", "peninsula", "diaspora", "poetry"]
SERIALS = ["한국사연구", "국어국문학", "역사학보", "진단학보", "Korea Journal", "Acta Koreana", "동방학지",
           "Journal of Korean Studies", "한국문화", "민족문화연구", "Seoul Journal of Korean Studies", "규장각"]
PUBLISHERS = ["문학과지성사", "창비", "민음사", "서울대학교출판문화원", "일조각", "지식산업사", "한길사", "Jimoondang"]
SURNAMES = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "Smith", "Tanaka", "Müller", "Martin", "Wang"]
GIVEN = ["민지", "서연", "지훈", "현우", "수빈", "영호", "John", "Yuki", "Anna", "Pierre", "Li", "Olga", "Minh"]
NOTES = ["", "", "", "", "Urgent for a doctoral thesis.", "Please send a clear copy.", "표지도 함께 부탁드립니다."]
RETRY_NOTE = "Please send the exact page numbers."
UNFILLED_REASONS = ["not_held", "not_published_in_korea", "available_elsewhere", "copyright_limit", "damaged"]

REQUEST_COLUMNS = [
    "id", "reference", "direction", "status", "requesting_library_id", "contact_name", "email", "postal_address",
    "item_type", "title", "article_title", "serial_title", "volume", "issue", "author", "part_title", "part_author",
    "publisher", "place",
    "year", "isbn", "issn", "nlk_number", "citation_source", "service", "delivery", "pages_wanted", "page_count",
    "pages_copied", "total_pages", "notes", "confirms_published_in_korea", "confirms_not_available_elsewhere",
    "copyright_check_needed", "fee_schedule_id", "copying_fee", "shipping_fee", "currency", "language",
    "received_at", "due_date", "assigned_to_id", "tracking_token", "updated_at", "version", "search_grams",
]
BORROWING_COLUMNS = [
    "id", "request_id", "lender_id", "lender_name", "lender_country", "max_currency", "target_date",
    "lender_answer", "answered_on", "fees_currency", "prepaid_currency", "prepayment_receipt", "statement_pdf",
    "balance_receipt", "prepayment_requested_currency",
]
HISTORY_COLUMNS = ["request_id", "from_status", "to_status", "changed_at", "changed_by_id", "note", "reason"]
INSTITUTION_COLUMNS = [
    "id", "key", "name_en", "name_ko", "kind", "country", "city", "address", "website", "ill_email",
    "is_active", "is_verified", "created_at", "updated_at", "folded_name_en", "folded_name_ko", "folded_city",
]
SHIPMENT_COLUMNS = ["date", "institution_id", "direction", "category", "items", "notes"]

# The path each final status took through ill.status's transitions.
PATHS = {
    "RequestReceived": ["RequestReceived"],
    "ExpectToSupply": ["RequestReceived", "ExpectToSupply"],
    "WillSupply": ["RequestReceived", "ExpectToSupply", "WillSupply"],
    "RetryPossible": ["RequestReceived", "RetryPossible"],
    "Unfilled": ["RequestReceived", "ExpectToSupply", "Unfilled"],
    "Cancelled": ["RequestReceived", "Cancelled"],
    "CopyCompleted": ["RequestReceived", "ExpectToSupply", "WillSupply", "CopyCompleted"],
    "Loaned": ["RequestReceived", "WillSupply", "Loaned"],
    "Overdue": ["RequestReceived", "WillSupply", "Loaned", "Overdue"],
    "Recalled": ["RequestReceived", "WillSupply", "Loaned", "Recalled"],
    "LoanCompleted": ["RequestReceived", "ExpectToSupply", "WillSupply", "Loaned", "LoanCompleted"],
    "CompletedWithoutReturn": ["RequestReceived", "WillSupply", "Loaned", "Overdue", "CompletedWithoutReturn"],
}
CLOSED_COPY = (["CopyCompleted", "Unfilled", "Cancelled"], [78, 14, 8])
CLOSED_LOAN = (["LoanCompleted", "CompletedWithoutReturn", "Unfilled", "Cancelled"], [73, 5, 14, 8])
OPEN_COPY = (["ExpectToSupply", "WillSupply", "RetryPossible", "CopyCompleted", "Unfilled"], [30, 25, 8, 30, 7])
OPEN_LOAN = (["ExpectToSupply", "WillSupply", "Loaned", "Overdue", "Recalled", "LoanCompleted"], [20, 20, 35, 8, 2, 15])
STUCK = (["ExpectToSupply", "WillSupply", "RetryPossible", "Loaned", "Overdue"], [30, 20, 30, 10, 10])
# What the lender of a borrowing had answered by the time its request reached a status.
LENDER_ANSWERED = {"Unfilled": "not_available", "RequestReceived": "waiting", "ExpectToSupply": "waiting",
                   "RetryPossible": "waiting", "Cancelled": "waiting"}


def escape(value):
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


class Copier:
    """Rows for one table, written with COPY every BATCH rows."""

    def __init__(self, cursor, table, columns):
        self.cursor, self.columns = cursor, columns
        self.sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        self.buffer, self.pending, self.rows = io.StringIO(), 0, 0

    def add(self, row):
        self.buffer.write("\t".join(map(escape, row)))
        self.buffer.write("\n")
        self.pending += 1
        if self.pending >= BATCH:
            self.flush()

    def flush(self):
        if self.pending:
            self.buffer.seek(0)
            self.cursor.copy_expert(self.sql, self.buffer)
            self.rows += self.pending
        self.buffer, self.pending = io.StringIO(), 0


def generate(requests=1_000_000, institutions=5_000, shipments=100_000, seed=18626, scratch_only=True, vacuum=True):
    """Empty the workload's tables and fill them again; return counts and seconds.

    `scratch_only=False` and `vacuum=False` are for the tests, whose database has its own name and
    whose transaction VACUUM cannot run in.
    """
    from django.db import connection, transaction

    from ill.services.numbering import drop_reference_sequences

    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark needs PostgreSQL: set DATABASE_URL.")
    if scratch_only:
        check_scratch_database(connection)
    started = time.perf_counter()
    rng = random.Random(seed)
    now = datetime.now().astimezone()
    start = now - timedelta(days=365 * YEARS)
    # New references go on from the counters set below, not from the sequences of an earlier data set.
    drop_reference_sequences(connection.alias)
    with transaction.atomic():
        with connection.cursor() as cursor:
            empty_tables(cursor)
            staff = make_staff()
            schedule = fee_schedule(start)
            dropped = drop_secondary_indexes(
                cursor, ["ill_illrequest", "ill_statuschange", "ill_borrowing", "exchange_shipment"]
            )
            # The rows are consistent by construction; the foreign keys are checked by tests/bench.
            cursor.execute("SET LOCAL session_replication_role = replica")
            libraries = add_institutions(cursor, rng, institutions, start)
            counters, history_rows, borrowings = add_requests(
                cursor, rng, requests, libraries, staff, schedule, start, now
            )
            add_shipments(cursor, rng, shipments, libraries, start, now)
            cursor.execute("SET LOCAL session_replication_role = origin")
            set_counters(counters)
            loaded = time.perf_counter()
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for definition in dropped:
                cursor.execute(definition)
    indexed = time.perf_counter()
    with connection.cursor() as cursor:
        for table in ["partners_institution", "ill_illrequest", "ill_statuschange", "ill_borrowing",
                      "exchange_shipment"]:
            cursor.execute(f"VACUUM ANALYZE {table}" if vacuum else f"ANALYZE {table}")
    finished = time.perf_counter()
    return {
        "requests": requests,
        "history": history_rows,
        "borrowings": borrowings,
        "institutions": institutions,
        "shipments": shipments,
        "seconds": round(finished - started, 1),
        "load_seconds": round(loaded - started, 1),
        "index_seconds": round(indexed - loaded, 1),
        "analyze_seconds": round(finished - indexed, 1),
    }


def check_scratch_database(connection):
    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        raise SystemExit(f"Refusing to empty {name!r}: the benchmark only fills a database whose name has 'bench'.")


def empty_tables(cursor):
    cursor.execute(
        "TRUNCATE partners_institution, ill_illrequest, ill_statuschange, ill_borrowing, ill_sequencecounter, "
        "exchange_shipment "
        "RESTART IDENTITY CASCADE"
    )


def make_staff():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from nlk_portal.core.roles import ILL_STAFF

    users = get_user_model()
    group = Group.objects.get(name=ILL_STAFF)
    staff = []
    for n in range(1, 9):
        user, created = users.objects.get_or_create(
            username=f"bench-staff-{n}", defaults={"is_staff": True, "email": f"staff{n}@nl.go.kr"}
        )
        user.groups.add(group)
        staff.append(user.pk)
    if not users.objects.filter(username="bench").exists():
        users.objects.create_superuser("bench", "bench@nl.go.kr", secrets.token_urlsafe(16))
    return staff


def fee_schedule(start):
    """The source's fees, in force from before the oldest request (they have not changed since)."""
    from ill.models import FeeSchedule

    current = FeeSchedule.objects.order_by("effective_from").first()
    schedule, _ = FeeSchedule.objects.get_or_create(
        effective_from=start.date().replace(month=1, day=1),
        defaults={
            name: getattr(current, name)
            for name in ["currency", "copying_base_fee", "copying_base_pages", "copying_step_fee",
                         "copying_step_pages", "shipping_fee"]
        },
    )
    return schedule


def drop_secondary_indexes(cursor, tables):
    """Drop the indexes that back no constraint; return the statements that build them again."""
    cursor.execute(
        """
        SELECT index.relname, pg_get_indexdef(index.oid)
        FROM pg_index x JOIN pg_class index ON index.oid = x.indexrelid
        WHERE x.indrelid = ANY(%s::regclass[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
        """,
        [tables],
    )
    found = cursor.fetchall()
    for name, _ in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]


def add_institutions(cursor, rng, count, start):
    from django_countries import countries

    from nlk_portal.core.folding import fold

    codes = list(COUNTRY_WEIGHTS)
    weights = list(COUNTRY_WEIGHTS.values())
    kinds, kind_weights = zip(*KINDS)
    copier = Copier(cursor, "partners_institution", INSTITUTION_COLUMNS)
    libraries = []
    for pk in range(1, count + 1):
        code = rng.choices(codes, weights)[0]
        country = countries.name(code)
        kind = rng.choices(kinds, kind_weights)[0]
        city = f"{country} City {rng.randint(1, 40)}"
        name = {
            "academic": f"University Library {pk} of {country}",
            "public": f"Public Library {pk}, {city}",
            "national": f"National Library of {country} ({pk})",
            "special": f"Korean Studies Collection {pk}, {country}",
            "research": f"Institute of Korean Studies {pk}, {country}",
            "international_org": f"International Organization Library {pk}",
        }[kind]
        domain = f"lib{pk}.example.{code.lower()}"
        address = f"{rng.randint(1, 999)} Library Road\n{city}\n{country}"
        created = start + timedelta(days=rng.randint(0, 365 * 3))
        name_ko = f"{country} 도서관 {pk}"
        copier.add([pk, f"bench-{pk}", name, name_ko, kind, code, city, address,
                    f"https://{domain}/", f"ill@{domain}", rng.random() > 0.03, True, created, created,
                    fold(name), fold(name_ko), fold(city)])
        libraries.append((pk, domain, address, code))
    copier.flush()
    cursor.execute("SELECT setval(pg_get_serial_sequence('partners_institution', 'id'), %s)", [count])
    return libraries


def add_requests(cursor, rng, count, libraries, staff, schedule, start, now):
    """`count` requests received over the years, oldest first; returns the year counters and row counts.

    A request NLK borrows has its Borrowing, as `ill.services.submission.submit_borrowing` makes it: a lender
    from the directory with the lender's country, and the target date one month after receipt.
    """
    from ill.rules import fees, terms
    from ill.rules.search import grams_of, joined
    from nlk_portal.core import calendar

    requests = Copier(cursor, "ill_illrequest", REQUEST_COLUMNS)
    history = Copier(cursor, "ill_statuschange", HISTORY_COLUMNS)
    borrowings = Copier(cursor, "ill_borrowing", BORROWING_COLUMNS)
    span = (now - start).total_seconds()
    counters = {}
    # Libraries that ask often and libraries that ask once in a while.
    library_weights = [1 / (n + 10) for n in range(len(libraries))]
    library_picks = rng.choices(libraries, library_weights, k=count)
    fee_cache = {}
    # The search grams (ill.rules.search) as IllRequest.save keeps them, from each text's grams worked out once.
    text_grams = {}

    def grams(*texts):
        found = set()
        for text in texts:
            if text not in text_grams:
                text_grams[text] = frozenset(grams_of(text))
            found |= text_grams[text]
        return joined(found)

    for n in range(count):
        received = start + timedelta(seconds=span * (n + rng.random()) / count)
        received_local = received.astimezone(calendar.LIBRARY_TIME_ZONE)
        year = received_local.year
        counters[year] = counters.get(year, 0) + 1
        reference = f"ILL-{year}-{counters[year]:06d}"
        library_id, domain, address, _ = library_picks[n]
        direction = "borrows" if rng.random() < 0.15 else "supplies"
        item_type = "article" if rng.random() < 0.4 else "monograph"
        service = "loan" if item_type == "monograph" and rng.random() < 0.3 else "copy"
        delivery = "post" if service == "loan" or rng.random() < 0.4 else "electronic"
        words = KO_WORDS if rng.random() < 0.6 else EN_WORDS
        title_words = " ".join(rng.sample(words, 3))
        title = f"{title_words} {rng.randint(1, 999)}"
        article_title = serial_title = volume = issue = ""
        if item_type == "article":
            article_title, title = title, ""
            serial_title = rng.choice(SERIALS)
            volume, issue = str(rng.randint(1, 80)), str(rng.randint(1, 4))
        total_pages = rng.randint(120, 600)
        pages = None
        pages_wanted = ""
        if service == "copy":
            first = rng.randint(1, total_pages // 2)
            pages = rng.randint(1, min(60, total_pages // 3 - 1))
            pages_wanted = f"{first}-{first + pages - 1}"
        key = (service, delivery, pages)
        if key not in fee_cache:
            quote = fees.quote(service=service, delivery=delivery, pages=pages, schedule=schedule)
            fee_cache[key] = (quote.copying_fee, quote.shipping_fee)
        copying_fee, shipping_fee = fee_cache[key]
        due = terms.borrowing_due_date(received) if direction == "borrows" else terms.due_date(received)
        status = pick_status(rng, service, now - received)
        path = PATHS[status]
        worker = rng.choice(staff)
        changes = step_times(rng, received, due, now, len(path))
        for step, (to_status, changed_at) in enumerate(zip(path, changes)):
            history.add([
                n + 1, path[step - 1] if step else "", to_status, changed_at, worker if step else None,
                RETRY_NOTE if to_status == "RetryPossible" else "",
                rng.choice(UNFILLED_REASONS) if to_status == "Unfilled" else "",
            ])
        is_open = status in ("RequestReceived", "ExpectToSupply", "WillSupply", "RetryPossible", "Loaned",
                             "Overdue", "Recalled")
        assigned = worker if (not is_open or rng.random() < 0.7) and status != "RequestReceived" else None
        contact = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
        author = f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}"
        email = f"ill{n % 7}@{domain}"
        requests.add([
            n + 1, reference, direction, status, library_id,
            contact, email, address,
            item_type, title, article_title, serial_title, volume, issue,
            author, "", "", rng.choice(PUBLISHERS), "Seoul",
            rng.randint(1950, max(1951, year)), "", "", "", "", service, delivery, pages_wanted, pages,
            pages if status == "CopyCompleted" else None, total_pages, rng.choice(NOTES), True, True, False,
            schedule.pk, copying_fee, shipping_fee, schedule.currency, "ko" if rng.random() < 0.3 else "en",
            received, due, assigned, secrets.token_urlsafe(32), changes[-1], len(path),
            # The title's number has no grams, so its words stand for it.
            grams(title_words, serial_title, author, contact, email),
        ])
        if direction == "borrows":
            lender_id, _, _, lender_country = rng.choice(libraries)
            answer = LENDER_ANSWERED.get(status, "available")
            answered_on = calendar.library_date(changes[min(1, len(changes) - 1)]) if answer != "waiting" else None
            borrowings.add([
                borrowings.pending + borrowings.rows + 1, n + 1, lender_id, "", lender_country, "KRW",
                terms.borrowing_target_date(received), answer, answered_on, "", "", "", "", "", "",
            ])
    requests.flush()
    history.flush()
    borrowings.flush()
    cursor.execute("SELECT setval(pg_get_serial_sequence('ill_illrequest', 'id'), %s)", [max(count, 1)])
    cursor.execute("SELECT setval(pg_get_serial_sequence('ill_borrowing', 'id'), %s)", [max(borrowings.rows, 1)])
    return counters, history.rows, borrowings.rows


def pick_status(rng, service, age):
    if age > OPEN_WINDOW:
        if rng.random() < STUCK_SHARE:
            choices = STUCK
        else:
            choices = CLOSED_LOAN if service == "loan" else CLOSED_COPY
    elif age < timedelta(days=3):
        return "RequestReceived"
    else:
        choices = OPEN_LOAN if service == "loan" else OPEN_COPY
    status = rng.choices(*choices)[0]
    # A copy is never lent and a loan never copied (ill.status's guards).
    if service == "copy" and status in ("Loaned", "Overdue"):
        return "WillSupply"
    return status


def step_times(rng, received, due, now, steps):
    """When each step happened: the first on receipt, the others spread up to the due date or now."""
    last = min(now, datetime.combine(due, received.timetz()) + timedelta(days=20))
    room = max((last - received).total_seconds(), steps)
    points = sorted(rng.uniform(0, room) for _ in range(steps - 1))
    return [received, *(received + timedelta(seconds=s) for s in points)]


def add_shipments(cursor, rng, count, libraries, start, now):
    categories = ["government_publications", "research_periodicals", "korea_related", "other"]
    copier = Copier(cursor, "exchange_shipment", SHIPMENT_COLUMNS)
    days = (now - start).days
    partners = libraries[: max(1, len(libraries) // 5)]
    for _ in range(count):
        copier.add([
            (start + timedelta(days=rng.randint(0, days))).date(), rng.choice(partners)[0],
            "sent" if rng.random() < 0.55 else "received", rng.choices(categories, [35, 30, 25, 10])[0],
            rng.randint(1, 120), "",
        ])
    copier.flush()


def set_counters(counters):
    """The reference counters continue after the generated requests, so new ones never collide."""
    from ill.models import SequenceCounter
    from ill.services.numbering import ILL_REQUEST_SERIES

    SequenceCounter.objects.bulk_create(
        [SequenceCounter(series=ILL_REQUEST_SERIES, year=year, last_number=last) for year, last in counters.items()]
    )


def main():
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--institutions", type=int, default=5_000)
    parser.add_argument("--shipments", type=int, default=100_000)
    options = parser.parse_args()
    setup_django()
    result = generate(options.requests, options.institutions, options.shipments)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
