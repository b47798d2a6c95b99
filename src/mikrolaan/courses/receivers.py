"""What the courses app does when the cases app reports a change (``cases.signals``)."""

from django.dispatch import receiver

from mikrolaan.cases.signals import case_dropped_out
from mikrolaan.courses.models import Participation, ParticipationStatus


@receiver(case_dropped_out, dispatch_uid="courses_end_participation_on_dropout")
def end_participation(sender, *, case, **kwargs) -> None:
    """A citizen who drops out leaves the pre-course or main course she was in."""
    Participation.objects.filter(
        case=case, status__in=[ParticipationStatus.PRE_COURSE, ParticipationStatus.MAIN_COURSE]
    ).update(status=ParticipationStatus.DROPPED_OUT)
