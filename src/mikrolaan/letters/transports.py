"""How letters leave the system. A transport takes a letter and its PDF and reports back.

The default ``FolderTransport`` writes ``<id>-<kind>.pdf`` and ``<id>-<kind>.json`` (who, what,
paper or digital) into ``settings.LETTERS_DIR`` — the hand-over folder for a print shop or a
Digital Post (MeMo) gateway. Another transport is chosen with the setting
``MIKROLAAN_LETTERS_TRANSPORT`` (a dotted path); a gateway that gets receipts later returns
``SENT`` and reports delivered/failed through ``letters.services.record_delivery``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from mikrolaan.core.private_files import private_dir, write_private
from mikrolaan.letters.models import Letter, LetterStatus


@dataclass(frozen=True)
class Result:
    status: str  # LetterStatus.SENT, DELIVERED or FAILED
    reference: str = ""
    detail: str = ""


class Transport(Protocol):
    name: str

    def send(self, letter: Letter, pdf: bytes) -> Result: ...


class FolderTransport:
    """Writes the PDF and its metadata into a folder. The folder is the mailbox: a letter
    written there counts as delivered (paper letters are marked for printing)."""

    name = "folder"

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder or settings.LETTERS_DIR)

    def send(self, letter: Letter, pdf: bytes) -> Result:
        private_dir(self.folder)
        stem = f"{letter.pk:08d}-{letter.kind}"
        write_private(self.folder / f"{stem}.pdf", pdf)
        citizen = letter.citizen
        meta = {
            "letter_id": letter.pk,
            "kind": letter.kind,
            "subject": letter.subject,
            "reference": letter.reference,
            "cpr": citizen.cpr,
            "name": citizen.full_name,
            "address": citizen.address,
            "channel": "paper" if letter.paper else "digital_post",
            "paper": letter.paper,
            "created": timezone.localtime(letter.created_at).isoformat(),
            "pdf": f"{stem}.pdf",
        }
        write_private(self.folder / f"{stem}.json", json.dumps(meta, ensure_ascii=False, indent=2))
        return Result(LetterStatus.DELIVERED, reference=stem)


def default_transport() -> Transport:
    path = getattr(settings, "MIKROLAAN_LETTERS_TRANSPORT", "")
    return import_string(path)() if path else FolderTransport()
