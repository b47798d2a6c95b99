from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from mikrolaan.accounts.roles import ALL_CASES_ROLES, UNIT_SCOPED_ROLES, Role


class Unit(models.Model):
    """A job-centre unit (hovedcenter); configuration, not code."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("job-centre unit")
        verbose_name_plural = _("job-centre units")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Job consultants and knowledge persons work for one unit."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles

    @property
    def sees_all_cases(self) -> bool:
        return self.role in ALL_CASES_ROLES

    @property
    def sees_unit_cases(self) -> bool:
        return self.role in UNIT_SCOPED_ROLES

    @property
    def sees_case_data(self) -> bool:
        return self.sees_all_cases or self.sees_unit_cases
