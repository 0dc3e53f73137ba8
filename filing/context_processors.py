from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def message_box(request: HttpRequest) -> dict[str, object]:
    """Unread messages for the navigation; counted only if a template asks (one query)."""

    def unread() -> int:
        from .selectors import unread_count

        user = getattr(request, "user", None)
        return unread_count(user) if user is not None and user.is_authenticated else 0

    return {"unread_messages": SimpleLazyObject(unread)}
