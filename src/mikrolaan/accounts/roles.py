"""The roles people have in the programme (DOMAIN.md, "People and roles")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    JOB_CONSULTANT = "job_consultant", _("Job consultant")
    KNOWLEDGE_PERSON = "knowledge_person", _("Knowledge person")
    PROJECT_LEADER = "project_leader", _("Project leader")
    BENEFITS_CASEWORKER = "benefits_caseworker", _("Benefits caseworker")
    FINANCE_CLERK = "finance_clerk", _("Finance clerk")
    EVALUATOR = "evaluator", _("Evaluator")
    MANAGER = "manager", _("Manager")
    ADMINISTRATOR = "administrator", _("Administrator")
    DATA_PROTECTION_OFFICER = "data_protection_officer", _("Data protection officer")


# Roles that work with citizens' cases, and how far they see.
UNIT_SCOPED_ROLES = {Role.JOB_CONSULTANT, Role.KNOWLEDGE_PERSON}
ALL_CASES_ROLES = {Role.PROJECT_LEADER, Role.BENEFITS_CASEWORKER, Role.FINANCE_CLERK}
NO_CASE_ROLES = {
    Role.EVALUATOR,
    Role.MANAGER,
    Role.ADMINISTRATOR,
    Role.DATA_PROTECTION_OFFICER,
}
# Roles whose work shows personal data (CPR numbers, names, debts, the access log): they need
# a second factor when signing in with a local password.
PERSONAL_DATA_ROLES = (
    UNIT_SCOPED_ROLES | ALL_CASES_ROLES | {Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER}
)


def role_label(value: str) -> str:
    """The role in words, or the stored value when it is no longer a role."""
    return str(Role(value).label) if value in Role.values else value
