"""Users, their roles and the districts they act in."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class QuartierUserManager(UserManager):
    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractUser):
    """A staff or organisation account. Logs in with its e-mail address.

    Purpose: access to the workspace. Personal data: name and e-mail, kept while the account exists;
    administrators deactivate and delete accounts of people who leave.
    """

    class WorkMail(models.TextChoices):
        IMMEDIATE = "immediate", _("sofort, eine E-Mail je Eingang")
        DAILY = "daily", _("einmal täglich als Zusammenfassung")

    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    work_mail = models.CharField(
        _("E-Mails über neue Vorgänge"), max_length=10, choices=WorkMail.choices, default=WorkMail.IMMEDIATE
    )
    work_digest_sent_at = models.DateTimeField(
        _("letzte Zusammenfassung"), null=True, blank=True, editable=False
    )
    is_demo = models.BooleanField(
        _("Demo-Konto"), default=False, help_text=_("Von load_demo angelegt; erfunden.")
    )

    objects = QuartierUserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["username"]

    class Meta:
        verbose_name = _("Benutzer*in")
        verbose_name_plural = _("Benutzer*innen")

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Koordinator*in")
    FALLBACK = "fallback", _("Rückfallteam")
    COMPETENCE_MEMBER = "competence_member", _("Mitglied eines Kompetenzteams")
    ORGANISATION_MEMBER = "organisation_member", _("Mitglied einer Organisation")
    CENTRAL_STEERING = "central_steering", _("Zentrale Steuerung")
    CITY_ADMIN = "city_admin", _("Administrator*in der Stadt")


DISTRICT_ROLES = {Role.COORDINATOR, Role.COMPETENCE_MEMBER}


class Membership(models.Model):
    """A user's role in a city, for one district where the role is district-bound."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("Person")
    )
    city = models.ForeignKey(
        "places.City", on_delete=models.CASCADE, related_name="memberships", verbose_name=_("Stadt")
    )
    role = models.CharField(_("Rolle"), max_length=30, choices=Role.choices)
    district = models.ForeignKey(
        "places.District",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("Stadtbezirk"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Rolle")
        verbose_name_plural = _("Rollen")
        constraints = [
            models.UniqueConstraint(fields=["user", "city", "role", "district"], name="membership_unique"),
            models.UniqueConstraint(
                fields=["user", "city", "role"],
                condition=models.Q(district__isnull=True),
                name="membership_unique_citywide",
            ),
        ]

    def __str__(self) -> str:
        where = self.district.number if self.district_id else self.city.name
        return f"{self.user} – {self.get_role_display()} ({where})"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.role in DISTRICT_ROLES and not self.district_id:
            raise ValidationError(
                {"district": _("Diese Rolle gilt für einen Stadtbezirk; bitte wählen Sie ihn aus.")}
            )
        if self.role not in DISTRICT_ROLES and self.district_id:
            raise ValidationError({"district": _("Diese Rolle gilt für die ganze Stadt, ohne Stadtbezirk.")})
        if self.district_id and self.city_id and self.district.city_id != self.city_id:
            raise ValidationError({"district": _("Der Stadtbezirk gehört zu einer anderen Stadt.")})
