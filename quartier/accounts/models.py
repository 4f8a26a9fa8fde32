"""Users, their roles and the districts they act in."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.crypto import salted_hmac
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
    # Raised when an administrator deactivates the account: every session signed with the old value ends, with
    # any session engine, and stays ended after a reactivation.
    session_generation = models.PositiveIntegerField(_("Sitzungsgeneration"), default=0, editable=False)

    objects = QuartierUserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["username"]

    class Meta:
        verbose_name = _("Benutzer*in")
        verbose_name_plural = _("Benutzer*innen")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def _get_session_auth_hash(self, secret=None):
        if not self.session_generation:  # unchanged for accounts never deactivated: no one is logged out
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "quartier.accounts.User.session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Koordinator*in")
    FALLBACK = "fallback", _("Rückfallteam")
    COMPETENCE_MEMBER = "competence_member", _("Mitglied eines Kompetenzteams")
    ORGANISATION_MEMBER = "organisation_member", _("Mitglied einer Organisation")
    CENTRAL_STEERING = "central_steering", _("Zentrale Steuerung")
    CITY_ADMIN = "city_admin", _("Administrator*in der Stadt")


DISTRICT_ROLES = {Role.COORDINATOR, Role.COMPETENCE_MEMBER}
# What a city administrator grants in the workspace; organisation membership comes with an organisation's
# invitation, platform administration only through the Django admin.
STAFF_ROLES = [
    Role.COORDINATOR,
    Role.COMPETENCE_MEMBER,
    Role.FALLBACK,
    Role.CENTRAL_STEERING,
    Role.CITY_ADMIN,
]


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
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)

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


class StaffInvitation(models.Model):
    """A one-time link with which an invited staff member sets their password.

    Purpose: onboarding. Holds no personal data of its own (the e-mail address is the account's); only a hash of
    the secret token is stored. An accepted or replaced invitation can no longer be used.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_invitations",
        verbose_name=_("Person"),
    )
    city = models.ForeignKey(
        "places.City", on_delete=models.CASCADE, related_name="staff_invitations", verbose_name=_("Stadt")
    )
    token_hash = models.CharField(_("Schlüssel (Prüfwert)"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("eingeladen von"),
    )
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    expires_at = models.DateTimeField(_("gültig bis"))
    accepted_at = models.DateTimeField(_("angenommen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Einladung ins Team")
        verbose_name_plural = _("Einladungen ins Team")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} ({self.city})"
