"""The people of the ILL tests beside `kim` and `manager` (tests/conftest.py): another ILL staff member,
a user in Korea and the library abroad they borrow from."""

import importlib

import pytest
from django.contrib.auth.models import Group, Permission

from nlk_portal.core.roles import ILL_STAFF
from tests.factories import InstitutionFactory, library_user, staff_member

BORROWING_MIGRATION = importlib.import_module("ill.migrations.0009_borrowing")


@pytest.fixture
def lee(staff_groups):
    return staff_member(ILL_STAFF, username="lee", first_name="Ji-ho", last_name="Lee", email="lee@nl.go.kr")


@pytest.fixture
def borrowing_groups(staff_groups):
    """The staff groups with what 0009_borrowing gives them (a transactional flush empties them)."""
    BORROWING_MIGRATION.give_groups_borrowing_permissions(Group.objects, Permission.objects)


@pytest.fixture
def jiwoo(db):
    return library_user()


@pytest.fixture
def lender(db):
    return InstitutionFactory(name_en="Staatsbibliothek zu Berlin", country="DE")
