"""What the account tests share: registering through the form, and reading the links the emails carry."""

import re

from django.core import mail
from django.urls import reverse

PASSWORD = "correct horse battery staple"


def register(client, email, *, password=PASSWORD, name="Sun-hee Park", form="accounts:register",
             privacy_consent_missing=False, **extra):
    details = {
        "full_name": name, "email": email, "library_named": "Seoul National University Library",
        "phone": "02-880-5114", "postal_address": "서울특별시 관악구 관악로 1",
        "password1": password, "password2": password,
    }
    if not privacy_consent_missing:
        details["privacy_consent"] = "on"
    return client.post(reverse(form), details, **extra)


def link_in(message, path):
    """The site path of the first link in the email under `path` (e.g. "/accounts/confirm/")."""
    return re.search(rf"https?://[^/\s]+({re.escape(path)}\S*)", message.body)[1]


def sent_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def page_text(response, *replacing):
    """The page as a reader sees it: without the per-response CSRF token, with `replacing` taken out."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    for text in replacing:
        html = html.replace(text, "…")
    return html
