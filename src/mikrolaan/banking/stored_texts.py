"""How banking's old stored texts read today (``mikrolaan.core.stored_texts``).

Until 12.2026 a payment posted from a statement had the reason "Bank statement csv:edff8f…,
line 2": the statement's raw id (a CSV file's fingerprint) and the place in the file in
English. Shown now as the statement is named ("Kontoudtog 02.11.2026, linje 2").
"""

import re

from django.utils.translation import gettext

from mikrolaan.banking.parsing import place_in_file
from mikrolaan.core.stored_texts import reader


@reader(r"Bank statement (?P<id>\S+), (?P<place>line \d+|Ntry\[\d+\](?:/TxDtls\[\d+\])?)")
def old_bank_reason(match: re.Match[str]) -> str:
    from mikrolaan.banking.models import Statement

    statement = Statement.objects.filter(statement_id=match["id"]).first()
    name = statement.label if statement else gettext("Bank statement")
    return f"{name}, {place_in_file(match['place'])}"
