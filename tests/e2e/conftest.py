"""The people of the portal as the browser tests meet them, signed in through a session cookie."""

import importlib

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import timezone

from nlk_portal.core.roles import ILL_STAFF, MANAGERS
from partners.models import Librarian, LibraryUser
from tests.factories import InstitutionFactory, UserFactory

STAFF_GROUPS = importlib.import_module("ill.migrations.0004_staff_groups")
BORROWING_PERMISSIONS = importlib.import_module("ill.migrations.0009_borrowing")
REPORT_PERMISSIONS = importlib.import_module("exchange.migrations.0003_reports")
ROLES = ["visitor", "partner librarian", "user in Korea", "staff"]


@pytest.fixture
def people(db):
    """One user for each role (None for a visitor); staff belong to ILL staff and Managers, the longest menu."""
    STAFF_GROUPS.give_staff_groups_their_permissions(Group.objects, Permission.objects)
    REPORT_PERMISSIONS.give_report_permissions(Group.objects, Permission.objects)
    BORROWING_PERMISSIONS.give_groups_borrowing_permissions(Group.objects, Permission.objects)
    librarian = UserFactory(username="marie@bnf.example.org", email="marie@bnf.example.org")
    Librarian.objects.create(
        user=librarian,
        library_named="Bibliothèque nationale de France",
        institution=InstitutionFactory(name_en="Bibliothèque nationale de France", country="FR"),
        email_confirmed_at=timezone.now(),
    )
    korea = UserFactory(username="jiwoo@example.kr", email="jiwoo@example.kr")
    LibraryUser.objects.create(user=korea, email_confirmed_at=timezone.now())
    staff = UserFactory(username="kim", first_name="Min-ji", last_name="Kim", is_staff=True)
    staff.groups.add(Group.objects.get(name=ILL_STAFF), Group.objects.get(name=MANAGERS))
    return {"visitor": None, "partner librarian": librarian, "user in Korea": korea, "staff": staff}


@pytest.fixture
def open_as(chromium, live_server):
    """open_as(user, language) -> a page in a browser signed in as `user` (None: a visitor), reading `language`."""
    contexts = []

    def open_page(user, language="en", width=1280, height=800):
        context = chromium.new_context(
            base_url=live_server.url, locale="en-US", viewport={"width": width, "height": height}
        )
        context.set_default_timeout(15_000)
        cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        if user is not None:
            client = Client()
            client.force_login(user)
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url})
        context.add_cookies(cookies)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
