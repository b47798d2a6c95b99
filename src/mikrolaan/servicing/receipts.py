"""Letter receipts reported later by a transport (e.g. a Digital Post gateway): delivered or
failed, never read. Recorded through ``letters.services.record_delivery``."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from mikrolaan.letters.models import Letter, LetterStatus
from mikrolaan.letters.services import record_delivery


class ReceiptError(Exception):
    pass


@dataclass
class ReceiptResult:
    recorded: int = 0
    unchanged: int = 0


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


@transaction.atomic
def import_letter_receipts(text: str) -> ReceiptResult:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    need = ["letter_id", "status", "date"]
    missing = [c for c in need if c not in (reader.fieldnames or [])]
    if missing:
        raise ReceiptError(f"line 1: the header lacks the column(s) {', '.join(missing)}")
    parsed = []
    for line, row in enumerate(reader, start=2):
        try:
            letter = Letter.objects.get(pk=int(row["letter_id"]))
        except (ValueError, Letter.DoesNotExist) as exc:
            raise ReceiptError(f"line {line}: no letter with id {row['letter_id']!r}") from exc
        status = (row["status"] or "").strip().lower()
        if status not in ("delivered", "failed"):
            raise ReceiptError(f"line {line}: status must be delivered or failed, not {status!r}")
        try:
            day = dt.date.fromisoformat(row["date"].strip())
        except ValueError as exc:
            raise ReceiptError(f"line {line}: date is not YYYY-MM-DD: {row['date']!r}") from exc
        parsed.append((letter, status, day, (row.get("detail") or "").strip()))
    result = ReceiptResult()
    for letter, status, day, detail in parsed:
        if letter.status == status:
            result.unchanged += 1
            continue
        if letter.status in (LetterStatus.DELIVERED, LetterStatus.FAILED) and status == "failed":
            # A delivered letter does not become undelivered.
            result.unchanged += 1
            continue
        record_delivery(letter, delivered=status == "delivered", detail=detail, at=_at(day))
        result.recorded += 1
    return result
