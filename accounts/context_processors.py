from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import membership_for_user


def account(request: HttpRequest) -> dict[str, object]:
    """The signed-in user's active membership, for the navigation; looked up only if a template asks."""
    return {"account_membership": SimpleLazyObject(lambda: membership_for_user(request.user))}
