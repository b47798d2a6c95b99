"""The citizen's right of access: find the citizen, produce the insight, record the extract."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log
from mikrolaan.people import cpr as cprlib
from mikrolaan.people.models import Citizen
from mikrolaan.privacy import insight, writers

WHY = "indsigt"  # the purpose recorded in the audit log (GDPR art. 15)


def find_citizen(cpr: str) -> Citizen:
    """The citizen with this CPR number, or ``ValidationError`` saying what is wrong."""
    number = cprlib.validate(cpr)
    citizen = Citizen.objects.filter(cpr=number).first()
    if citizen is None:
        raise ValidationError(
            _("No citizen with CPR number %(cpr)s is registered in the system.")
            % {"cpr": cprlib.format_cpr(number)},
            code="unknown",
        )
    return citizen


def insight_files(citizen: Citizen) -> writers.Files:
    """Everything held on ``citizen`` as a JSON and a PDF file. Changes nothing: the caller
    records the extract (``record_extract``) when the files are handed out."""
    return writers.render(insight.collect(citizen), timezone.localdate())


@transaction.atomic
def record_extract(citizen: Citizen, *, acting_user, channel: str):
    """The audit record of an insight: who (``None`` in the shell), whose data, why."""
    return log(
        acting_user,
        Action.EXTRACT,
        obj=citizen,
        citizen=citizen,
        what=f"citizen insight (GDPR art. 15), PDF and JSON, {channel}",
        why=WHY,
    )


def produce_insight(citizen: Citizen, *, acting_user, channel: str) -> writers.Files:
    """The insight files, recorded as an extract.

    The PDF is rendered before the (short) transaction that writes the audit record, so no
    write lock is held while WeasyPrint works; the record is written after the data is
    collected, so it shows in the next insight.
    """
    files = insight_files(citizen)
    record_extract(citizen, acting_user=acting_user, channel=channel)
    return files
