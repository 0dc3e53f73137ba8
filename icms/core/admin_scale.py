"""Staff lists over tables that grow with the register: a search each index answers, a count that stops.

Django's changelist was made for tables of thousands of rows. Over the audit log at
5,000,000 events it took 3 s with no search (the date hierarchy's ``DISTINCT`` over every
row, then ``COUNT(*)`` of them all) and 18-24 s with one: each search term was matched
with ``icontains`` against every field at once, across a join to the users, which no index
can answer, and then counted to the end twice. :class:`RegisterListAdmin` changes three things:

* **The count stops** at :data:`COUNT_BOUND` (:class:`BoundedCountPaginator`): the list
  says "more than 10,000" (``templates/admin/pagination.html``, ``search_form.html``)
  and never counts the whole table beside it (``show_full_result_count``).
* **Each searched field is matched the way an index answers it**:
  - the model's own text fields as Django matches them (``icontains``, or ``^`` and
    ``=``), which the model backs with :func:`icms.core.indexes.contains_index`. A word of
    one or two characters has no trigram inside a word to go on, but two-letter surnames
    are common (NG, HO, AU): it is looked for as a whole word, which the index's padded
    trigrams answer, and the reader is told;
  - a field with choices by its codes and labels (in the reader's language), in Python:
    the term becomes ``field__in`` the matching codes, which the field's btree answers;
  - a field across a foreign key (``actor__email``): the related rows are found first, and
    the term becomes ``actor__in`` their ids (at most :data:`RELATED_IDS_CAP`, else a
    subquery), which the foreign key's index answers. ``OR`` across a join reads every row.
* **The date hierarchy probes an index** instead of reading every row for the years, months
  and days that have any (``SELECT DISTINCT DATE_TRUNC``): :class:`IndexedDatesQuerySet` finds
  each period's first row with ``MIN(field)`` from the start of the period after the last one
  found, one index lookup per period shown. The logs filter by date with
  :class:`~django.contrib.admin.DateFieldListFilter` instead; the hearings, which the registry
  walks day by day, keep their hierarchy.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import cached_property
from typing import Any, TypeVar

from django.contrib import admin, messages
from django.contrib.admin.utils import lookup_spawns_duplicates
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Min
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext as _

ModelT = TypeVar("ModelT", bound=models.Model)

#: A list counts its rows up to this many and says "more than" beyond.
COUNT_BOUND = 10_000

#: A term matching more related rows than this is matched through a subquery instead of their ids.
RELATED_IDS_CAP = 1_000

#: The shortest word a trigram index can look for inside another word; shorter ones are looked
#: for as whole words.
CONTAINS_MIN_LENGTH = 3


class BoundedCountPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator that counts at most :data:`COUNT_BOUND` + 1 rows.

    ``bounded``: more rows match than were counted. The pages past the bound are not
    offered: the reader narrows the search or the filters instead.
    """

    bound = COUNT_BOUND

    @cached_property
    def count(self) -> int:
        object_list = self.object_list
        if isinstance(object_list, models.QuerySet):
            # COUNT(*) over a sub-select with a LIMIT: the scan stops at the bound.
            return int(object_list.order_by()[: self.bound + 1].count())
        return len(object_list)

    @property
    def bounded(self) -> bool:
        return self.count > self.bound


class IndexedDatesQuerySet(models.QuerySet[ModelT]):
    """A queryset whose :meth:`datetimes` probes the field's index once per period found.

    The admin's date hierarchy asks ``datetimes(field, "year" | "month" | "day")`` of the
    listed rows: Django answers with ``DISTINCT DATE_TRUNC`` over every one of them (2 s for
    the years of millions of rows). Here each period's first row is found with ``MIN(field)``
    from the start of the period after the last found: as many index lookups as periods shown
    (a dozen months, a month's days), whatever the size of the table. The answer is the same.
    """

    def datetimes(self, field_name: str, kind: str, order: str = "ASC", tzinfo: Any = None) -> Any:
        if kind not in ("year", "month", "day") or order != "ASC":
            return super().datetimes(field_name, kind, order, tzinfo)  # type: ignore[arg-type]
        zone = tzinfo or timezone.get_current_timezone()
        probes = self.order_by()
        found: list[datetime] = []
        after: datetime | None = None
        while True:
            rows = probes if after is None else probes.filter(**{f"{field_name}__gte": after})
            first = rows.aggregate(first=Min(field_name))["first"]
            if first is None:
                return found
            day = first.astimezone(zone).date()
            if kind == "year":
                start, after_day = day.replace(month=1, day=1), day.replace(year=day.year + 1, month=1, day=1)
            elif kind == "month":
                start = day.replace(day=1)
                after_day = (start + timedelta(days=31)).replace(day=1)
            else:
                start, after_day = day, day + timedelta(days=1)
            found.append(datetime.combine(start, time.min, tzinfo=zone))
            after = datetime.combine(after_day, time.min, tzinfo=zone)


class RegisterListAdmin(admin.ModelAdmin[ModelT]):
    """A staff list over a table that grows with the register (see the module's docstring)."""

    paginator = BoundedCountPaginator
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[ModelT]:
        """The listed rows, as an :class:`IndexedDatesQuerySet` for the date hierarchy."""
        # The same query, select_related and prefetches, in the other class (the stubs do not
        # know QuerySet's private attributes, hence Any).
        listed: Any = super().get_queryset(request)
        indexed: Any = IndexedDatesQuerySet(listed.model, query=listed.query, using=listed._db, hints=listed._hints)
        indexed._prefetch_related_lookups = listed._prefetch_related_lookups
        return indexed  # type: ignore[no-any-return]

    def get_search_results(
        self, request: HttpRequest, queryset: models.QuerySet[ModelT], search_term: str
    ) -> tuple[models.QuerySet[ModelT], bool]:
        search_fields = [str(field) for field in self.get_search_fields(request)]
        if not (search_fields and search_term.strip()):
            return queryset, False
        words = []
        for word in smart_split(search_term):
            if word.startswith(('"', "'")) and word[0] == word[-1]:
                word = unescape_string_literal(word)
            words.append(word)
        may_have_duplicates = False
        for word in words:
            matches = models.Q()
            for field in search_fields:
                match, duplicates = _field_match(queryset.model, field, word)
                if match is not None:
                    matches |= match
                    may_have_duplicates |= duplicates
            # A word no field can match leaves nothing: an empty OR would match every row.
            queryset = queryset.filter(matches) if matches else queryset.none()
        if any(len(word) < CONTAINS_MIN_LENGTH for word in words):
            messages.info(request, _("A word of one or two characters is looked for as a whole word."))
        return queryset, may_have_duplicates


def _lookup(field_name: str) -> tuple[str, str]:
    """The field path and the lookup Django's admin would use for ``field_name`` in ``search_fields``."""
    if field_name.startswith("^"):
        return field_name[1:], "istartswith"
    if field_name.startswith("="):
        return field_name[1:], "iexact"
    if field_name.startswith("@"):
        return field_name[1:], "search"
    return field_name, "icontains"


def _field_match(model: type[models.Model], field_name: str, word: str) -> tuple[models.Q | None, bool]:
    """How ``word`` matches ``field_name`` (a ``search_fields`` entry) so that an index answers it.

    None when it cannot match (no choice of the field matches, or the word is not a number
    where one is wanted). The flag says whether the match may list a row twice (a relation to many).
    """
    path, lookup = _lookup(field_name)
    parts = path.split(LOOKUP_SEP)
    try:
        first = model._meta.get_field(parts[0])
    except FieldDoesNotExist:
        first = None
    if not isinstance(first, models.Field):
        # Not a field of this model, or a relation to many: as Django's admin matches it.
        query = f"{path}__{lookup}"
        return models.Q(**{query: word}), lookup_spawns_duplicates(model._meta, query)
    if len(parts) == 1:
        return _own_match(first, lookup, word), False
    if len(parts) == 2 and not first.is_relation and first.get_lookup(parts[1]) is not None:
        # "target_id__exact": a lookup of this model's own field, as Django reads it.
        return _own_match(first, parts[1], word), False
    related_model = first.related_model
    if first.many_to_one and isinstance(related_model, type):
        # Across a foreign key: the related rows by their own index, then these by the key's.
        prefix = field_name[0] if field_name[0] in "^=@" else ""
        inner, _ = _field_match(related_model, prefix + LOOKUP_SEP.join(parts[1:]), word)
        if inner is None:
            return None, False
        related = related_model._base_manager.filter(inner)
        ids = list(related.values_list("pk", flat=True)[: RELATED_IDS_CAP + 1])
        if not ids:
            return None, False
        if len(ids) > RELATED_IDS_CAP:
            return models.Q(**{f"{first.name}__in": related.values("pk")}), False
        return models.Q(**{f"{first.name}__in": ids}), False
    query = f"{path}__{lookup}"
    return models.Q(**{query: word}), lookup_spawns_duplicates(model._meta, query)


def _own_match(field: models.Field[Any, Any], lookup: str, word: str) -> models.Q | None:
    """``word`` matched against a field of the listed (or related) model itself."""
    if field.choices:
        return _choices_match(field, word, lookup)
    if lookup in ("exact", "iexact") and not isinstance(field, (models.CharField, models.TextField)):
        # A number (an id) exactly, as its btree answers it; a word that is no number matches none.
        try:
            value = field.to_python(word)
        except ValidationError:
            return None
        return models.Q(**{field.name: value})
    if lookup == "icontains" and len(word) < CONTAINS_MIN_LENGTH:
        # Too short for a trigram inside a word, but a whole word is bounded by spaces or the
        # text's ends, which the trigram index pads: "NG" finds "His Honour Judge NG", not WONG.
        name = field.name
        return (
            models.Q(**{f"{name}__iexact": word})
            | models.Q(**{f"{name}__istartswith": f"{word} "})
            | models.Q(**{f"{name}__iendswith": f" {word}"})
            | models.Q(**{f"{name}__icontains": f" {word} "})
        )
    return models.Q(**{f"{field.name}__{lookup}": word})


def _choices_match(field: models.Field[Any, Any], word: str, lookup: str) -> models.Q | None:
    """The choices whose code or label (in the active language) ``word`` matches, as ``field__in``.

    A word too short to look for inside a text is not looked for inside a label either ("of"
    is in a dozen kinds of event): it matches a code or label only whole.
    """
    wanted = word.casefold()
    if len(word) < CONTAINS_MIN_LENGTH:
        lookup = "iexact"

    def matches(text: str) -> bool:
        text = text.casefold()
        if lookup == "iexact":
            return text == wanted
        if lookup == "istartswith":
            return text.startswith(wanted)
        return wanted in text

    codes = [code for code, label in field.flatchoices if matches(str(code)) or matches(str(label))]
    if not codes:
        return None
    return models.Q(**{f"{field.name}__in": codes})
