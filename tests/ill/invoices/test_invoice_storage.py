"""Invoices kept in S3-compatible object storage, which web and worker processes on different machines share.

The tests use moto's standalone S3 server on this machine, started by the s3_server fixture (tests/conftest.py).
"""

import io
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from ill.models import Invoice
from tests.factories import InstitutionFactory
from tests.ill.supply import supply_copy

pytestmark = pytest.mark.django_db(transaction=True)
# moto takes any keys; these are never real ones (the bucket fixture puts the same in the environment).
KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def test_an_invoice_is_rendered_into_object_storage_and_downloaded_back(
    client, object_storage, source_fee_schedule, private_media
):
    s3, name = object_storage
    library = InstitutionFactory(name_en="SOAS Library", name_ko="런던대학교 SOAS 도서관", country="GB")

    invoice = Invoice.objects.get(request=supply_copy(pages_copied=23, requesting_library=library))

    stored = s3.get_object(Bucket=name, Key=f"portal/{invoice.pdf.name}")["Body"].read()
    assert stored.startswith(b"%PDF")
    assert not os.path.exists(private_media), "nothing is written to the local folder"
    token = invoice.request.tracking_token
    response = client.get(reverse("ill:track_invoice", args=[token, invoice.number]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    downloaded = b"".join(response.streaming_content)
    assert downloaded == stored
    text = PdfReader(io.BytesIO(downloaded)).pages[0].extract_text()
    assert invoice.number in text and "Total USD 16.00" in text
    [emailed] = [m for m in mail.outbox if invoice.number in m.subject]
    assert emailed.attachments[0][1] == stored, "the emailed copy is read back from the bucket"


def test_the_settings_put_files_in_the_bucket_the_environment_names(s3_server, bucket):
    s3, name = bucket
    code = (
        "from django.core.files.base import ContentFile; "
        "from django.core.files.storage import default_storage as s; "
        "n = s.save('statements/2026/check.pdf', ContentFile(b'%PDF-1.7 stored')); "
        "print(type(s._wrapped).__name__, n, s.open(n).read().decode())"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        KEYS, DJANGO_DEBUG="1", AWS_STORAGE_BUCKET_NAME=name, AWS_S3_ENDPOINT_URL=s3_server,
        AWS_S3_REGION_NAME="us-east-1", AWS_S3_ADDRESSING_STYLE="path", AWS_LOCATION="portal",
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "S3Storage statements/2026/check.pdf %PDF-1.7 stored"
    assert s3.get_object(Bucket=name, Key="portal/statements/2026/check.pdf")["Body"].read() == b"%PDF-1.7 stored"


def test_without_a_bucket_files_stay_in_the_media_folder():
    assert django_settings.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
