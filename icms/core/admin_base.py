"""Pieces the apps' admin screens share (no model of its own is registered here)."""

from __future__ import annotations

from typing import TypeVar

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

ModelT = TypeVar("ModelT", bound=Model)


class ReadOnlyAdmin(admin.ModelAdmin[ModelT]):
    """A list and detail pages only: the records change through their services, never here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ModelT | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ModelT | None = None) -> bool:
        return False


def first_line(text: str, *, limit: int = 160) -> str:
    """The first line of a stored error, cut to fit a list column."""
    return text.splitlines()[0][:limit] if text else ""
