"""Demo accounts covering every role. Loading twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organisation, User

DEMO_PASSWORD = "icms-demo-2026"  # noqa: S105  (published demo credentials, development only)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str


DEMO_LOGINS: list[DemoLogin] = []


def _user(
    email: str,
    *,
    first: str,
    last: str,
    name_zh: str = "",
    kind: str,
    role: str,
    language: str = "en",
    staff: bool = False,
    superuser: bool = False,
) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first,
            "last_name": last,
            "name_zh": name_zh,
            "kind": kind,
            "preferred_language": language,
            "is_staff": staff,
            "is_superuser": superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    if DemoLogin(email, role) not in DEMO_LOGINS:
        DEMO_LOGINS.append(DemoLogin(email, role))
    return user


def _membership(user: User, organisation: Organisation, role: str, branch: str = "", sees_all: bool = False) -> None:
    Membership.objects.get_or_create(
        user=user,
        organisation=organisation,
        deactivated_at=None,
        defaults={"role": role, "branch_code": branch, "sees_all_cases": sees_all},
    )


@transaction.atomic
def load() -> dict[str, object]:
    now = timezone.now()
    individual = _user(
        "chan.taiman@example.hk",
        first="Tai Man",
        last="CHAN",
        name_zh="陳大文",
        kind=User.Kind.INDIVIDUAL,
        role="Party in person (Individual User)",
        language="zh-hant",
    )

    firm, _ = Organisation.objects.get_or_create(
        name_en="Wong & Lee Solicitors",
        defaults={
            "name_zh": "黃李律師行",
            "type": Organisation.Type.LAW_FIRM,
            "status": Organisation.Status.APPROVED,
            "decided_at": now,
        },
    )
    firm_primary = _user(
        "admin@wonglee.example.hk",
        first="Mei Ling",
        last="WONG",
        name_zh="黃美玲",
        kind=User.Kind.ORGANISATION,
        role="Law firm: Primary Administrator",
    )
    firm_secondary = _user(
        "office@wonglee.example.hk",
        first="Ka Yan",
        last="LEE",
        name_zh="李嘉欣",
        kind=User.Kind.ORGANISATION,
        role="Law firm: Secondary Administrator",
    )
    firm_user_central = _user(
        "solicitor1@wonglee.example.hk",
        first="Siu Ming",
        last="HO",
        name_zh="何小明",
        kind=User.Kind.ORGANISATION,
        role="Law firm: Organisation User (Central branch)",
    )
    firm_user_kowloon = _user(
        "solicitor2@wonglee.example.hk",
        first="Wing Sze",
        last="CHEUNG",
        name_zh="張詠詩",
        kind=User.Kind.ORGANISATION,
        role="Law firm: Organisation User (Kowloon branch)",
        language="zh-hant",
    )
    _membership(firm_primary, firm, Membership.Role.PRIMARY_ADMIN)
    _membership(firm_secondary, firm, Membership.Role.SECONDARY_ADMIN)
    _membership(firm_user_central, firm, Membership.Role.MEMBER, branch="CEN")
    _membership(firm_user_kowloon, firm, Membership.Role.MEMBER, branch="KLN")

    department, _ = Organisation.objects.get_or_create(
        name_en="Food and Environmental Hygiene Department",
        defaults={
            "name_zh": "食物環境衞生署",
            "type": Organisation.Type.GOVERNMENT,
            "status": Organisation.Status.APPROVED,
            "decided_at": now,
        },
    )
    department_admin = _user(
        "admin@fehd.example.gov.hk",
        first="Chi Keung",
        last="LAM",
        name_zh="林志強",
        kind=User.Kind.ORGANISATION,
        role="Government department: Primary Administrator",
    )
    department_user = _user(
        "prosecutions@fehd.example.gov.hk",
        first="Hoi Yan",
        last="YIP",
        name_zh="葉凱欣",
        kind=User.Kind.ORGANISATION,
        role="Government department: Organisation User",
    )
    _membership(department_admin, department, Membership.Role.PRIMARY_ADMIN)
    _membership(department_user, department, Membership.Role.MEMBER, sees_all=True)

    clerk = _user(
        "clerk@registry.example.gov.hk",
        first="Kwok Wai",
        last="NG",
        name_zh="吳國偉",
        kind=User.Kind.STAFF,
        role="Registry clerk (staff)",
        staff=True,
    )
    clerk.groups.add(Group.objects.get(name="Registry clerk"))
    accounts = _user(
        "accounts@registry.example.gov.hk",
        first="Suk Fan",
        last="TSANG",
        name_zh="曾淑芬",
        kind=User.Kind.STAFF,
        role="Accounts officer (staff)",
        staff=True,
    )
    accounts.groups.add(Group.objects.get(name="Accounts officer"))
    supervisor = _user(
        "supervisor@registry.example.gov.hk",
        first="Wai Man",
        last="CHOW",
        name_zh="周偉文",
        kind=User.Kind.STAFF,
        role="Registry supervisor (staff): audit log",
        staff=True,
    )
    supervisor.groups.add(Group.objects.get(name="Registry supervisor"))

    # An organisation application waiting for the registry (approve it in the admin).
    applicant = _user(
        "admin@cheungpartners.example.hk",
        first="Hiu Tung",
        last="CHEUNG",
        name_zh="張曉彤",
        kind=User.Kind.ORGANISATION,
        role="Law firm awaiting approval: Primary Administrator",
    )
    pending, _ = Organisation.objects.get_or_create(
        name_en="Cheung & Partners",
        defaults={
            "name_zh": "張氏律師事務所",
            "type": Organisation.Type.LAW_FIRM,
            "status": Organisation.Status.APPLIED,
            "applied_by": applicant,
            "address": "8 Queen's Road Central, Hong Kong",
            "telephone": "2123 4567",
        },
    )
    _membership(applicant, pending, Membership.Role.PRIMARY_ADMIN)

    # The firm's primary administrator files through a separate Organisation User account.
    firm_primary_filer = _user(
        "meiling.filing@wonglee.example.hk",
        first="Mei Ling",
        last="WONG",
        name_zh="黃美玲",
        kind=User.Kind.ORGANISATION,
        role="Law firm: the Primary Administrator's own Organisation User account",
    )
    _membership(firm_primary_filer, firm, Membership.Role.MEMBER, branch="CEN")

    sysadmin = _user(
        "sysadmin@registry.example.gov.hk",
        first="System",
        last="ADMINISTRATOR",
        kind=User.Kind.STAFF,
        role="System administrator (staff, superuser)",
        staff=True,
        superuser=True,
    )
    sysadmin.groups.add(Group.objects.get(name="System administrator"))

    return {
        "individual": individual,
        "firm": firm,
        "firm_primary": firm_primary,
        "firm_user_central": firm_user_central,
        "firm_user_kowloon": firm_user_kowloon,
        "department": department,
        "department_user": department_user,
        "clerk": clerk,
    }
