"""Post the ILL request form from many threads at once against the database in DATABASE_URL.

    DATABASE_URL=sqlite:////tmp/x/db.sqlite3 python -m tests.portal.concurrent_posts [threads] [posts]

Migrates the database, then prints the answers' status codes as JSON ({"302": 40}). Run in a
process of its own: each thread is a client with its own database connection, as under runserver.
"""

import json
import os
import sys
import threading
from collections import Counter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nlk_portal.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from tests.factories import InstitutionFactory  # noqa: E402
from tests.ill.forms import form_data  # noqa: E402


def post_requests(library, posts, statuses, start):
    client = Client(raise_request_exception=False)
    start.wait()
    try:
        for _ in range(posts):
            response = client.post("/ill/request/", form_data(library, action="submit"))
            statuses[response.status_code] += 1
    finally:
        connection.close()


def main(threads=8, posts=5):
    setup_test_environment()
    call_command("migrate", verbosity=0)
    library = InstitutionFactory()
    statuses, start = Counter(), threading.Barrier(threads)
    workers = [
        threading.Thread(target=post_requests, args=(library, posts, statuses, start)) for _ in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(json.dumps({str(status): count for status, count in statuses.items()}))


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:]))
