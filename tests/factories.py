"""factory_boy factories shared by the test suite."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory

from accounts.models import Membership, Organisation, User
from filing.models import Case, CaseType, Party

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.hk")
    first_name = "Tai Man"
    last_name = "CHAN"
    kind = User.Kind.INDIVIDUAL
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)
        if create:
            obj.save()


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    type = Organisation.Type.LAW_FIRM
    name_en = factory.Sequence(lambda n: f"Firm {n} Solicitors")
    name_zh = factory.Sequence(lambda n: f"第{n}律師行")
    status = Organisation.Status.APPROVED


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, kind=User.Kind.ORGANISATION)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = Case

    case_type = factory.LazyFunction(lambda: CaseType.objects.get(prefix="DCCJ"))
    number = factory.Sequence(lambda n: n + 1)
    year = 2026
    status = Case.Status.ACTIVE
    nature_en = "Money claim"


class PartyFactory(DjangoModelFactory):
    class Meta:
        model = Party

    case = factory.SubFactory(CaseFactory)
    side = Party.Side.APPLICANT
    name_en = "CHAN Tai Man"
    name_zh = "陳大文"
