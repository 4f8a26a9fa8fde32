"""Users, their roles and the districts they act in."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from . import emails

EMAIL_TAKEN = _("Für diese E-Mail-Adresse gibt es bereits ein Konto.")
EMAIL_CONFUSABLE = _(
    "Diese E-Mail-Adresse ist der Adresse eines bestehenden Kontos zum Verwechseln ähnlich (etwa durch "
    "Buchstaben aus einer anderen Schrift). Bitte prüfen Sie die Schreibweise."
)
EMAIL_TOO_LONG = _("Diese E-Mail-Adresse ist zu lang.")


def email_refusal(email: str, *, exclude_pk=None) -> ValidationError | None:
    """Why this address cannot be an account's (too long as a key, or another account's or a look-alike of
    it), or None. Every path that creates an account or changes its address asks this (User.clean and save)."""
    if max(len(emails.normalise(email)), len(emails.skeleton(email))) > emails.MAX_KEY:
        return ValidationError(EMAIL_TOO_LONG, code="email_too_long")
    owner = emails.confusable_owner(email, exclude_pk=exclude_pk)
    if owner is None:
        return None
    if owner.email_key == emails.normalise(email):
        return ValidationError(EMAIL_TAKEN, code="duplicate_email")
    return ValidationError(EMAIL_CONFUSABLE, code="confusable_email")


class QuartierUserManager(UserManager):
    def get_by_natural_key(self, username):
        """The account registered under exactly this address (normalised); never a look-alike."""
        key = emails.normalise(username)
        if "\x00" in key:  # no address has one, and PostgreSQL text cannot hold it
            raise self.model.DoesNotExist
        return self.get(email_key=key)


class User(AbstractUser):
    """A staff or organisation account. Logs in with its e-mail address.

    Purpose: access to the workspace. Personal data: name and e-mail, kept while the account exists;
    administrators deactivate and delete accounts of people who leave.
    """

    class WorkMail(models.TextChoices):
        IMMEDIATE = "immediate", _("sofort, eine E-Mail je Eingang")
        DAILY = "daily", _("einmal täglich als Zusammenfassung")

    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    # The address as an identity (emails.py): login finds the account by `email_key` only; `email_skeleton` is
    # shared by look-alike spellings and unique, so no second account can hide behind a confusable address.
    email_key = models.CharField(
        _("E-Mail-Adresse (normalisiert)"), max_length=emails.MAX_KEY, unique=True, editable=False
    )
    email_skeleton = models.CharField(
        _("E-Mail-Adresse (Verwechslungsform)"), max_length=emails.MAX_KEY, unique=True, editable=False
    )
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

    def _fill_email_keys(self) -> None:
        self.email_key = emails.normalise(self.email)
        self.email_skeleton = emails.skeleton(self.email)

    def _check_email_identity(self) -> None:
        self._fill_email_keys()
        refusal = email_refusal(self.email, exclude_pk=self.pk)
        if refusal is not None:
            raise ValidationError({"email": refusal})

    def clean(self):
        super().clean()
        if self.email:
            self._check_email_identity()

    def save(self, *args, **kwargs):
        # Every path that creates an account or changes its address passes here (forms, services, the
        # organisations' invitations, createsuperuser): the check gives a clear error, the unique constraints
        # catch what a concurrent request slips past it.
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            self._check_email_identity()
        elif "email" in update_fields:
            self._check_email_identity()
            kwargs["update_fields"] = {*update_fields, "email_key", "email_skeleton"}
        super().save(*args, **kwargs)

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
