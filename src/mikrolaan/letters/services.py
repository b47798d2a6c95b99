"""The outbox: every letter goes out through ``send_letter`` and its receipts come back
through ``record_delivery``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log
from mikrolaan.core.private_files import private_dir, write_private
from mikrolaan.letters.models import Letter, LetterStatus
from mikrolaan.letters.transports import Transport, default_transport


class LetterError(Exception):
    pass


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
