"""deemed_receipt <ISO datetime>: the same answer as the API, for registry staff at a terminal."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime

from icms.calendar.core import deemed_receipt
from icms.calendar.data import current_calendar
from icms.core.time import HONG_KONG


class Command(BaseCommand):
    help = "Print when something received at the given instant (ISO 8601 with offset) is deemed received."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("at", help="for example 2026-12-24T18:05:00+08:00")
        parser.add_argument("--json", action="store_true", help="print the API's JSON instead of text")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            at = parse_datetime(options["at"])
        except ValueError:
            at = None
        if at is None:
            raise CommandError(f"Not an ISO 8601 date and time: {options['at']!r} (try 2026-12-24T18:05:00+08:00).")
        if at.tzinfo is None:
            raise CommandError("Give a time zone offset, such as +08:00 for Hong Kong time.")
        result = deemed_receipt(at, current_calendar())
        received = result.received_at.astimezone(HONG_KONG).isoformat()
        deemed = result.deemed_at.astimezone(HONG_KONG).isoformat() if result.deemed_at else None
        if options["json"]:
            payload = {
                "received_at": received,
                "deemed_received_at": deemed,
                "pending": result.pending,
                "rule": result.rule.value,
                "explanation_en": result.explanation_en,
                "explanation_zh": result.explanation_zh,
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"Received:        {received}")
        self.stdout.write(f"Deemed received: {deemed or 'PENDING (reopening not yet announced)'}")
        self.stdout.write(f"Rule:            {result.rule.value}")
        self.stdout.write(f"                 {result.explanation_en}")
        self.stdout.write(f"                 {result.explanation_zh}")
        for fact in result.facts:
            self.stdout.write(f"  - {fact.en} / {fact.zh}")
