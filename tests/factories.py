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


class StaffFactory(UserFactory):
    """A registry staff user in the named group (``group="Registry clerk"`` by default)."""

    kind = User.Kind.STAFF
    is_staff = True

    @factory.post_generation
    def group(obj, create, extracted, **kwargs):
        from django.contrib.auth.models import Group

        if create:
            obj.groups.add(Group.objects.get(name=extracted or "Registry clerk"))


def totp_for(user) -> str:
    """Activate an authenticator app (TOTP) for ``user``; returns the secret."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    """The current code of the authenticator app with ``secret``: what the user's phone shows."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


def api_token_for(user, *, name: str = "practice software", scopes=("read",), expires_in_days: int = 90) -> str:
    """A working API token for ``user``, made through the service as the tokens page makes it.

    Staff enter a current code from their authenticator app (one is set up if they have
    none). The code is forgotten as used afterwards, so a test may make several tokens
    within one 30 s step, as a person could not.
    """
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from allauth.mfa.utils import decrypt
    from django.core.cache import cache

    from accounts.selectors import is_staff_user
    from accounts.tokens import api_token_create

    code = ""
    if is_staff_user(user):
        authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        secret = decrypt(authenticator.data["secret"]) if authenticator else totp_for(user)
        code = totp_code(secret)
    _row, token = api_token_create(
        user=user, name=name, scopes=scopes, expires_in_days=expires_in_days, totp_code=code
    )
    if code:
        authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        cache.delete(TOTP(authenticator)._get_used_cache_key(code))
    return token


def assign_case(case, membership, by=None):
    from filing.models import CaseAssignment

    return CaseAssignment.objects.create(case=case, membership=membership, assigned_by=by or membership.user)


class HearingFactory(DjangoModelFactory):
    """A listing on the daily cause list (causebook); pass ``case`` and ``starts_at``."""

    class Meta:
        model = "causebook.Hearing"

    case = factory.SubFactory(CaseFactory)
    court = factory.LazyAttribute(lambda o: o.case.case_type.court)
    courtroom = "Court No. 31"
    judge_en = "His Honour Judge LAM"
    judge_zh = "林法官"
    hearing_type = "mention"
    representation_en = "Wong & Partners"
    representation_zh = "王律師行"
