from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import Membership
from .selectors import is_staff_user, membership_for_user


def account(request: HttpRequest) -> dict[str, object]:
    """The signed-in user's active membership, for the navigation; looked up only if a template asks."""

    def membership() -> Membership | None:
        # Staff cannot join an organisation (accounts.services), so a clerk's every page
        # need not ask the database.
        return None if is_staff_user(request.user) else membership_for_user(request.user)

    return {"account_membership": SimpleLazyObject(membership)}
