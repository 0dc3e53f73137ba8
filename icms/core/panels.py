"""Panels: how an app shows part of its own page on a screen that belongs to a lower layer.

A panel is a template and its context. The lower app names a place and renders whatever
is registered there; the higher app registers a provider in its ``AppConfig.ready``.
So the account dashboard lists the user's cases, and the filing form shows the fee,
without accounts importing filing or filing importing payments.

Places in use: ``"account_dashboard"`` and ``"member_detail"`` (accounts; filing shows
cases and case assignments), ``"filing_form"`` and ``"submission"`` (filing; payments
shows the fee), ``"case_file"`` (filing; causebook shows the hearings and the calendar
link). Causebook also shows the hearing calendars at ``"account_dashboard"``.
"""

from __future__ import annotations

from collections.abc import Callable

Panel = tuple[str, dict[str, object]]
PanelProvider = Callable[..., "Panel | None"]

_panels: dict[str, list[PanelProvider]] = {}


def register_panel(place: str, provider: PanelProvider) -> None:
    """Show ``provider(**context)`` at ``place``; a provider returns ``None`` to show nothing."""
    providers = _panels.setdefault(place, [])
    if provider not in providers:
        providers.append(provider)


def panels(place: str, **context: object) -> list[Panel]:
    """The panels registered at ``place``, in registration order, for this context."""
    found = []
    for provider in _panels.get(place, []):
        panel = provider(**context)
        if panel is not None:
            found.append(panel)
    return found
