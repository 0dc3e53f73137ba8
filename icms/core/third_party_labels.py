"""Translated labels for a third-party model that declares none (django-allauth's ``Authenticator``).

allauth's ``Authenticator`` has no ``verbose_name`` on the model or its fields, so the admin
showed "Authenticators", "Created at" and "Last used at" in English on a Chinese page. The
labels are set here, at start-up, on the runtime options only: Django's migration state is
read from the declared options (``Options.original_attrs``, ``Field._verbose_name``), so
this changes what the admin shows and never asks for a migration in allauth's app.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def label_third_party_models() -> None:
    from allauth.mfa.models import Authenticator

    meta = Authenticator._meta
    meta.verbose_name = _("two-factor authenticator")
    meta.verbose_name_plural = _("two-factor authenticators")
    for name, label in {
        "user": _("user"),
        "type": _("type"),
        "data": _("data"),
        "created_at": _("created at"),
        "last_used_at": _("last used at"),
    }.items():
        meta.get_field(name).verbose_name = label
