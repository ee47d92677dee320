import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from partners.models import Institution, InstitutionAlias, InstitutionKind, LibraryUser

PASSWORD = "correct horse battery staple"


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name_en = factory.Sequence(lambda n: f"Test Library {n}")
    kind = InstitutionKind.ACADEMIC
    country = "FR"


class InstitutionAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstitutionAlias

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"Old spelling {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)


class LibrarianFactory(factory.django.DjangoModelFactory):
    """A partner librarian who has confirmed their email; staff have not linked them yet."""

    class Meta:
        model = "partners.Librarian"

    user = factory.SubFactory(UserFactory, first_name="Sun-hee", last_name="Park")
    library_named = "Test Library"
    email_confirmed_at = factory.LazyFunction(timezone.now)


def staff_member(group, **fields):
    """A member of NLK's staff in `group` (one of the groups the migrations create)."""
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=group))
    return user


def library_user(email="jiwoo.han@example.kr", first_name="Ji-woo", last_name="Han", **fields):
    """A user in Korea who has confirmed their email."""
    user = UserFactory(username=email, email=email, first_name=first_name, last_name=last_name)
    LibraryUser.objects.create(
        user=user, postal_address="서울특별시 서초구 반포대로 201", email_confirmed_at=timezone.now(), **fields
    )
    return user


def ill_request_details(**overrides):
    """What a librarian fills in for a short copy of a Korean monograph, sent by post."""
    details = {
        "requesting_library": overrides.pop("requesting_library", None) or InstitutionFactory(),
        "contact_name": "Marie Dupont",
        "email": "ill@bibliotheque.example.org",
        "postal_address": "5 rue de l'Université\n75007 Paris\nFrance",
        "item_type": "monograph",
        "title": "한국 근대 문학사",
        "article_title": "",
        "serial_title": "",
        "volume": "",
        "issue": "",
        "author": "김윤식",
        "publisher": "문학과지성사",
        "place": "Seoul",
        "year": 1994,
        "isbn": "9788936434564",
        "issn": "",
        "nlk_number": "",
        "citation_source": "WorldCat",
        "service": "copy",
        "delivery": "post",
        "pages_wanted": "12-30, 45",
        "total_pages": 320,
        "max_cost_usd": None,
        "notes": "",
        "confirms_published_in_korea": True,
        "confirms_not_available_elsewhere": True,
    }
    details.update(overrides)
    return details


def submit_ill_request(**overrides):
    from ill.services.submission import submit_request

    options = {
        key: overrides.pop(key)
        for key in ["submission_key", "submitted_by", "language", "received_at"]
        if key in overrides
    }
    return submit_request(ill_request_details(**overrides), **options)
