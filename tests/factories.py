import factory
from django.contrib.auth import get_user_model

from partners.models import Institution, InstitutionAlias, InstitutionKind


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
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")
