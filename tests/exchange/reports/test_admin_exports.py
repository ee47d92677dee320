"""Staff lists in the admin download what they show: the chosen rows or the whole filtered list."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from partners.models import Institution


def export(client, changelist, action, query="", selected=()):
    data = {"action": action, "_selected_action": [str(pk) for pk in selected]}
    if not selected:
        data["select_across"] = "1"
        data["_selected_action"] = ["0"]
    return client.post(f"{reverse(changelist)}{query}", data)


def csv_rows(response):
    content = b"".join(response.streaming_content)
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_a_manager_downloads_the_filtered_request_list(client, manager, ill_year):
    client.force_login(manager)

    response = export(
        client, "admin:ill_illrequest_changelist", "export_csv", "?direction__exact=borrows&status=all"
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="ill-requests_')
    rows = csv_rows(response)
    assert rows[0][:3] == ["Reference", "Direction", "Status (ISO 18626)"]
    assert [row[0] for row in rows[1:]] == [ill_year["fr_jun_5_borrowed"].reference]
    assert rows[1][10] == "45.0"


def test_a_manager_downloads_the_chosen_shipments_as_xlsx(client, manager, exchange_year):
    from exchange.models import Shipment

    client.force_login(manager)
    chosen = Shipment.objects.filter(institution__country="JP").order_by("date")

    response = export(
        client,
        "admin:exchange_shipment_changelist",
        "export_xlsx",
        selected=chosen.values_list("pk", flat=True),
    )

    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook["Shipments"].iter_rows(values_only=True))
    assert rows[0][0] == "Date"
    assert [(row[3], row[5]) for row in rows[1:]] == [
        ("National Diet Library", 99),
        ("National Diet Library", 20),
    ]


def test_a_long_institution_list_arrives_in_chunks_as_it_is_read(client, manager):
    Institution.objects.bulk_create(
        Institution(name_en=f"Library {n:05d}", key=f"library-{n}", kind="academic", country="DE")
        for n in range(4500)
    )
    client.force_login(manager)

    response = export(client, "admin:partners_institution_changelist", "export_csv", "?country__exact=DE")

    assert response.streaming
    chunks = list(response.streaming_content)
    assert len(chunks) >= 3  # 2,000 rows a chunk
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
    assert len(rows) == 1 + 4500
    assert rows[1][:4] == ["Library 00000", "", "academic", "DE"]


def test_staff_without_the_export_permission_are_not_offered_the_download(client, ill_clerk, ill_year):
    client.force_login(ill_clerk)

    page = client.get(reverse("admin:ill_illrequest_changelist"))
    assert page.status_code == 200
    assert "export_csv" not in page.content.decode()
    response = export(client, "admin:ill_illrequest_changelist", "export_csv")
    assert response.status_code == 302
    assert not getattr(response, "streaming", False)


def test_a_name_that_looks_like_a_formula_stays_text_in_the_csv_and_the_xlsx(client, manager):
    Institution.objects.create(
        name_en='=HYPERLINK("http://evil.example")', key="evil", kind="academic", country="DE"
    )
    client.force_login(manager)

    rows = csv_rows(export(client, "admin:partners_institution_changelist", "export_csv"))
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example")'
    response = export(client, "admin:partners_institution_changelist", "export_xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cell = workbook["Institutions"]["A2"]
    assert cell.data_type == "s" and cell.value.startswith("'=")
