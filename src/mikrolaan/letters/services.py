"""The outbox: every letter goes out through ``send_letter`` and its receipts come back
through ``record_delivery``."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.audit.services import log, origin_fields
from mikrolaan.core.private_files import private_dir, write_private
from mikrolaan.letters.models import Letter, LetterStatus
from mikrolaan.letters.transports import Transport, default_transport

logger = logging.getLogger(__name__)


class LetterError(Exception):
    pass


@dataclass(frozen=True)
class Draft:
    """A letter for ``send_letters``: what ``send_letter`` takes for one."""

    citizen: object
    kind: str
    subject: str
    pdf: bytes
    case: object = None
    reference: str = ""


@transaction.atomic
def send_letter(
    citizen,
    *,
    kind: str,
    subject: str,
    pdf: bytes,
    acting_user,
    case=None,
    reference: str = "",
    transport: Transport | None = None,
) -> Letter:
    """Put a letter in the outbox and keep its PDF; after commit, hand it to the transport.

    The hand-over happens only once the transaction that made the letter has committed (a
    rolled-back change sends nothing); a letter whose hand-over failed stays queued and
    ``dispatch_queued`` (``mikrolaan letters send``) tries again. Citizens exempt from Digital
    Post get a paper letter (the transport is told).
    """
    if not pdf.startswith(b"%PDF"):
        raise LetterError("a letter needs a PDF")
    transport = transport or default_transport()
    letter = Letter.objects.create(
        citizen=citizen,
        case=case,
        kind=kind,
        subject=subject,
        reference=reference,
        paper=citizen.digital_post_exempt,
        transport=transport.name,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    archive = Path(settings.LETTERS_DIR) / "archive"
    private_dir(archive)
    path = archive / f"{letter.pk:08d}-{kind}.pdf"
    write_private(path, pdf)
    letter.pdf_path = str(path)
    letter.save(update_fields=["pdf_path"])
    log(acting_user, Action.CREATE, obj=letter, citizen=citizen, what=f"letter {kind}: {subject}")
    transaction.on_commit(lambda: dispatch(letter.pk, transport=transport))
    return letter


@transaction.atomic
def send_letters(
    drafts: list[Draft], *, acting_user, transport: Transport | None = None
) -> list[Letter]:
    """``send_letter`` for many letters in a few statements (the reminders of a day).

    The same rows, files and audit records as ``send_letter`` for each draft, in order; the
    transport gets them together once the transaction commits (``dispatch_many``).
    """
    if not drafts:
        return []
    for draft in drafts:
        if not draft.pdf.startswith(b"%PDF"):
            raise LetterError("a letter needs a PDF")
    transport = transport or default_transport()
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    letters = Letter.objects.bulk_create(
        [
            Letter(
                citizen=d.citizen,
                case=d.case,
                kind=d.kind,
                subject=d.subject,
                reference=d.reference,
                paper=d.citizen.digital_post_exempt,
                transport=transport.name,
                created_by=user,
            )
            for d in drafts
        ]
    )
    archive = Path(settings.LETTERS_DIR) / "archive"
    private_dir(archive)
    for letter, draft in zip(letters, drafts, strict=True):
        path = archive / f"{letter.pk:08d}-{draft.kind}.pdf"
        write_private(path, draft.pdf)
        letter.pdf_path = str(path)
    Letter.objects.bulk_update(letters, ["pdf_path"])
    _log_many(
        user,
        Action.CREATE,
        [(letter, f"letter {letter.kind}: {letter.subject}", "") for letter in letters],
    )
    ids = [letter.pk for letter in letters]
    transaction.on_commit(lambda: dispatch_many(ids, transport=transport), robust=True)
    return letters


def dispatch(letter_id: int, *, transport: Transport | None = None) -> Letter:
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter_id)
        if letter.status != LetterStatus.QUEUED:
            return letter  # already handed over: never twice
        transport = transport or default_transport()
        result = transport.send(letter, Path(letter.pdf_path).read_bytes())
        _set_status(letter, result.status, reference=result.reference, detail=result.detail)
        return letter


def dispatch_queued() -> int:
    ids = list(Letter.objects.filter(status=LetterStatus.QUEUED).values_list("pk", flat=True))
    for letter_id in ids:
        dispatch(letter_id)
    return len(ids)


def dispatch_many(letter_ids: Iterable[int], *, transport: Transport | None = None) -> int:
    """Hand these letters, those still queued, to the transport; returns how many went.

    ``dispatch`` for many: the letters are locked together and their new status written in
    one statement. A letter whose hand-over raised stays queued (for ``dispatch_queued``) and
    does not stop the others.
    """
    ids = list(letter_ids)
    if not ids:
        return 0
    transport = transport or default_transport()
    with transaction.atomic():
        letters = list(
            Letter.objects.select_for_update(of=("self",))
            .select_related("citizen")
            .filter(pk__in=ids, status=LetterStatus.QUEUED)
            .order_by("pk")
        )
        now = timezone.now()
        sent = []
        for letter in letters:
            try:
                result = transport.send(letter, Path(letter.pdf_path).read_bytes())
            except Exception:  # noqa: BLE001 - logged; the letter stays queued for a retry
                logger.exception("letter %s: the transport failed; it stays queued", letter.pk)
                continue
            letter.status = result.status
            letter.status_at = now
            if result.reference:
                letter.transport_ref = result.reference
            if result.status == LetterStatus.FAILED:
                letter.failure_reason = result.detail
            sent.append((letter, result))
        Letter.objects.bulk_update(
            [letter for letter, _ in sent],
            ["status", "status_at", "transport_ref", "failure_reason"],
        )
        _log_many(
            None,
            Action.CHANGE,
            [(letter, f"letter {result.status}", result.detail) for letter, result in sent],
        )
    return len(sent)


@transaction.atomic
def record_delivery(
    letter: Letter, *, delivered: bool, detail: str = "", at: dt.datetime | None = None
) -> Letter:
    """What the transport reported later: delivered to the mailbox, or failed."""
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    _set_status(
        letter, LetterStatus.DELIVERED if delivered else LetterStatus.FAILED, detail=detail, at=at
    )
    return letter


def _set_status(letter, status, *, reference="", detail="", at=None):
    letter.status = status
    letter.status_at = at or timezone.now()
    if reference:
        letter.transport_ref = reference
    if status == LetterStatus.FAILED:
        letter.failure_reason = detail
    letter.save(update_fields=["status", "status_at", "transport_ref", "failure_reason"])
    log(
        None, Action.CHANGE, obj=letter, citizen=letter.citizen, what=f"letter {status}", why=detail
    )


def _log_many(user, action: str, rows: list[tuple[Letter, str, str]]) -> None:
    """The audit records ``log`` writes for each letter, in one insert."""
    if not rows:
        return
    origin = origin_fields()
    origin["role"] = getattr(user, "role", "") or ""
    now = timezone.now()
    AuditRecord.objects.bulk_create(
        [
            AuditRecord(
                at=now,
                user=user,
                action=action,
                citizen_id=letter.citizen_id,
                object_type=Letter._meta.label,
                object_id=str(letter.pk),
                what=what[:500],
                why=why[:500],
                **origin,
            )
            for letter, what, why in rows
        ],
        batch_size=500,
    )
