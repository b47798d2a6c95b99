"""Policy versions are added, never changed: a new version applies to grants from its date."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log
from mikrolaan.policy.models import LoanPolicy


class PolicyError(Exception):
    pass


@transaction.atomic
def add_policy_version(*, acting_user, **fields) -> LoanPolicy:
    """A new version from ``valid_from`` (today or later, after the newest version).

    Loans already granted keep the version they were granted under.
    """
    valid_from = fields["valid_from"]
    if valid_from < timezone.localdate():
        raise PolicyError(_("A new version cannot apply from a date in the past."))
    newest = LoanPolicy.objects.order_by("-valid_from").first()
    if newest and valid_from <= newest.valid_from:
        raise PolicyError(
            _("A new version must apply from after the newest version (%(date)s).")
            % {"date": newest.valid_from.strftime("%d.%m.%Y")}
        )
    policy = LoanPolicy(recorded_by=acting_user, **fields)
    policy.full_clean()
    policy.save()
    log(acting_user, Action.CREATE, obj=policy, what=f"loan policy from {valid_from}")
    return policy
