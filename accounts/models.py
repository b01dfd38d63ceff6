import zoneinfo

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_TIMEZONE = "Asia/Shanghai"


class Role(models.TextChoices):
    LEARNER = "learner", _("Learner")
    TRAINER = "trainer", _("Trainer")
    HR = "hr", _("HR")


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class Department(models.Model):
    """A unit of the company's org chart, as a directory source names it. `source` + `external_id`
    identify it in that source ("wecom" / "dingtalk" / "feishu" / "scim"); departments are never
    deleted (people's history points at them), a vanished one gets `removed_at`."""

    source = models.CharField(_("source"), max_length=20)
    external_id = models.CharField(_("id in the source"), max_length=64)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey("self", verbose_name=_("parent department"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="children")
    order = models.IntegerField(_("order"), default=0)
    removed_at = models.DateTimeField(_("removed from the directory"), null=True, blank=True)

    class Meta:
        ordering = ["source", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["source", "external_id"], name="unique_department_per_source")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    # The readable name every report, filter and digest groups by; directory sync keeps it equal to
    # the name of `department_unit` (the person's main department in the org chart).
    department = models.CharField(_("department"), max_length=100, blank=True, db_index=True)
    department_unit = models.ForeignKey(Department, verbose_name=_("department (org chart)"), null=True,
                                        blank=True, on_delete=models.SET_NULL, related_name="members")
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    # Set when a directory reports the person as gone (离职); cleared when they return.
    left_at = models.DateTimeField(_("left the company"), null=True, blank=True)
    employee_no = models.CharField(_("employee number"), max_length=40, blank=True)
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, default=DEFAULT_TIMEZONE, validators=[validate_timezone]
    )
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    reminder_opt_in = models.BooleanField(_("reminder emails"), default=True)
    # Set when a leaver's personal data was replaced after the retention period (PIPL).
    pseudonymised_at = models.DateTimeField(_("pseudonymised"), null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["employee_no"],
                condition=~models.Q(employee_no=""),
                name="unique_employee_no_when_set",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    def clean(self) -> None:
        super().clean()
        if self.manager_id and self.manager_id == self.pk:
            raise ValidationError({"manager": _("A person cannot be their own manager.")})

    @property
    def name(self) -> str:
        return self.display_name or self.email.split("@")[0]

    def has_role(self, role: str) -> bool:
        if not self.is_authenticated:
            return False
        return role in self._roles_and_team()[0]

    @property
    def manages_anyone(self) -> bool:
        """Someone has this person as their manager (团队学习 is theirs to see)."""
        return self.is_authenticated and self._roles_and_team()[1]

    def _roles_and_team(self) -> tuple[set[str], bool]:
        """Roles and whether anyone reports to this person, in one query (the header needs both)."""
        cached = getattr(self, "_role_names", None)
        if cached is None:
            manages = models.Exists(User.objects.filter(manager_id=models.OuterRef("pk")))
            rows = list(User.objects.filter(pk=self.pk).annotate(manages=manages)
                        .values_list("groups__name", "manages"))
            cached = {name for name, _manages in rows if name}
            self._role_names = cached
            self._manages = bool(rows and rows[0][1])
        return cached, self._manages
