"""The data protection officer's export of the records on the page: CSV or Excel.

Every text goes through ``core.cells``: a ``what`` or a name typed as ``=HYPERLINK(…)`` stays
text in the spreadsheet.
"""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from mikrolaan.accounts.roles import role_label
from mikrolaan.audit.models import CITIZEN_THEMSELF
from mikrolaan.core.cells import csv_text, xlsx_cell


def columns() -> list[str]:
    return [
        _("Time"),
        _("User"),
        _("Username"),
        _("Role"),
        _("Action taken"),
        _("Channel"),
        _("Citizen"),
        _("CPR number"),
        _("What"),
        _("Why"),
        _("IP address"),
        _("Operating-system user"),
        _("Command line"),
    ]


def rows(records) -> list[list]:
    return [
        [
            timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M:%S"),
            str(r.user) if r.user else (str(CITIZEN_THEMSELF) if r.by_citizen else ""),
            r.user.username if r.user else "",
            role_label(r.role),
            r.get_action_display(),
            r.get_channel_display(),
            r.citizen.full_name if r.citizen else "",
            r.citizen.cpr_display if r.citizen else "",
            r.what,
            r.why,
            r.client_ip or "",
            r.os_user,
            r.command,
        ]
        for r in records
    ]


def as_csv(records) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(columns())
    for row in rows(records):
        writer.writerow([csv_text(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def as_xlsx(records) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Audit log")[:31]
    for r, row in enumerate([columns(), *rows(records)], start=1):
        for c, value in enumerate(row, start=1):
            xlsx_cell(sheet.cell(row=r, column=c), value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
