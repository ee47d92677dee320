"""The removal of personal data from requests: what a closed account and the retention period both end in.

A request keeps its reference, country, library, dates, status history and money, so the reports count
it as before; what identifies a person is emptied.
"""

from django.db import transaction

from ..models import Iso18626Transaction, SentEmail

# The request's own fields that hold a person's details: names, emails, postal addresses and the notes
# a requester types (which can hold any of them).
PERSONAL_REQUEST_FIELDS = ("contact_name", "email", "postal_address", "notes")


def remove_personal_data(requests):
    """Empty the personal fields of `requests` (a queryset of IllRequest), the patron references their
    ISO 18626 transactions carry and the addresses their emails went to; returns how many requests."""
    count = 0
    with transaction.atomic():
        ids = list(requests.values_list("pk", flat=True))
        # Saved one by one, so each request's search grams (its email is among them) are kept too.
        for ill_request in requests.model.objects.filter(pk__in=ids):
            for name in PERSONAL_REQUEST_FIELDS:
                setattr(ill_request, name, "")
            ill_request.save(update_fields=PERSONAL_REQUEST_FIELDS)
            count += 1
        Iso18626Transaction.objects.filter(request__in=ids).update(patron_reference="")
        SentEmail.objects.filter(request__in=ids).update(recipient="")
    return count
