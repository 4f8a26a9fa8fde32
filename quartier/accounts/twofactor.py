"""Two-factor authentication: who must confirm a login with a code, and the writes around authenticators.

A login is complete when the password and then a code from an authenticator app (TOTP, RFC 6238) or one of ten
one-time recovery codes were accepted; django-otp marks such a session as verified (`request.user.is_verified()`).
Who must do this is set per role (`settings.TWO_FACTOR_ROLES`); an account with a confirmed authenticator is always
asked. Demo accounts are exempt while the installation runs as a demo, so the printed demo logins keep working.
Every enrolment, verification, use of a recovery code and reset is audited, never with a secret.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from base64 import b32encode
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from quartier.core.audit import audit_record

from .models import Membership, User
from .permissions import require_account_of_city, require_people_manager

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_NAME = "recovery"
# What a person may type: generous for spaces and dashes, bounded before any parsing.
MAX_CODE_LENGTH = 32
_TOTP = re.compile(r"[0-9]{6}")
_RECOVERY = re.compile(r"[a-z2-7]{8}")
# Recovery codes are written down and typed from paper: Base32 without the letters that pass for others (i, l, o).
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz234567"
# Digits as typed on Arabic keyboards (Arabic-Indic and Extended Arabic-Indic); NFKC already maps fullwidth ones.
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—]+")


# --- who must -----------------------------------------------------------------------------------------------


def _role_names(user) -> set[str]:
    cache = getattr(user, "_roles_cache", None)
    if cache is None:  # the same shape as permissions.roles_in fills, so later checks reuse it
        cache = {}
        for m in Membership.objects.filter(user=user).values("city_id", "role", "district_id"):
            cache.setdefault(m["city_id"], []).append((m["role"], m["district_id"]))
        user._roles_cache = cache
    names = {role for grants in cache.values() for role, _d in grants}
    if user.is_superuser:
        names.add("superuser")
    return names


def is_exempt(user) -> bool:
    """Demo accounts log in with the printed password alone while the installation is a demo."""
    return bool(settings.DEMO and getattr(user, "is_demo", False))


def has_authenticator(user) -> bool:
    """True when the account has a confirmed authenticator app."""
    if not user or not user.is_authenticated:
        return False
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def role_requires(user) -> bool:
    """True when one of the account's roles must use a second factor (and the account is not exempt)."""
    if not user or not user.is_authenticated or is_exempt(user):
        return False
    return bool(_role_names(user) & settings.TWO_FACTOR_ROLES)


def required(user) -> bool:
    """True when a login of this account is complete only with a code."""
    if not user or not user.is_authenticated:
        return False
    return role_requires(user) or has_authenticator(user)


def is_verified(user) -> bool:
    return bool(getattr(user, "is_verified", None) and user.is_verified())


# --- what people type ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Code:
    kind: str  # "totp" or "recovery"
    value: str


def parse_code(raw: str) -> Code:
    """A six-digit code or a recovery code, or ValidationError with a message for the person."""
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationError(_("Bitte geben Sie den Code ein."), code="required")
    if len(raw) > MAX_CODE_LENGTH:
        raise ValidationError(
            _("Der Code ist zu lang. Bitte geben Sie die 6 Ziffern aus Ihrer App ein."), code="too_long"
        )
    text = unicodedata.normalize("NFKC", raw).translate(_ARABIC_DIGITS)
    text = _SEPARATORS.sub("", text).lower()
    if _TOTP.fullmatch(text):
        return Code("totp", text)
    if _RECOVERY.fullmatch(text):
        return Code("recovery", text)
    raise ValidationError(
        _(
            "Bitte geben Sie die 6 Ziffern aus Ihrer Authentifizierungs-App ein oder einen "
            "Wiederherstellungscode (8 Zeichen)."
        ),
        code="invalid",
    )


def parse_totp(raw: str) -> str:
    """Only a six-digit code from the app (for enrolment and for renewing the recovery codes)."""
    code = parse_code(raw)
    if code.kind != "totp":
        raise ValidationError(_("Bitte geben Sie die 6 Ziffern aus Ihrer Authentifizierungs-App ein."))
    return code.value


def format_recovery_code(token: str) -> str:
    return f"{token[:4]}-{token[4:]}"


def secret_for_display(device: TOTPDevice) -> str:
    """The key in Base32 in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# --- verification -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    device: object | None
    device_throttled: bool = False

    @property
    def ok(self) -> bool:
        return self.device is not None


def _device_for(user, code: Code, *, for_verify: bool = True):
    model, name = (TOTPDevice, AUTHENTICATOR_NAME) if code.kind == "totp" else (StaticDevice, RECOVERY_NAME)
    devices = model.objects.filter(user=user, confirmed=True)
    if for_verify:
        devices = devices.select_for_update()
    return devices.order_by("-pk").first()


def verify(user, code: Code) -> Verification:
    """Check a code against the account's confirmed authenticator or recovery codes; a code works once
    (django-otp refuses a TOTP code of a time step already used, and deletes a recovery code when used)."""
    with transaction.atomic():
        device = _device_for(user, code)
        if device is None:
            return Verification(None)
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            return Verification(None, device_throttled=True)
        if not device.verify_token(code.value):
            return Verification(None)
        if code.kind == "recovery":
            left = StaticToken.objects.filter(device=device).count()
            audit_record(
                actor=user,
                action="account.recovery_code_used",
                target=user,
                changes={"recovery_codes_left": [left + 1, left]},
            )
        audit_record(
            actor=user,
            action="account.second_factor_verified",
            target=user,
            changes={"method": [None, code.kind]},
        )
    return Verification(device)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- enrolment ----------------------------------------------------------------------------------------------


def pending_authenticator(user) -> TOTPDevice:
    """The unconfirmed authenticator shown on the enrolment page (the same one until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def otpauth_url(device: TOTPDevice) -> str:
    return device.config_url


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    tokens: set[str] = set()
    while len(tokens) < RECOVERY_CODE_COUNT:
        tokens.add("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(8)))
    StaticToken.objects.bulk_create([StaticToken(device=device, token=t) for t in sorted(tokens)])
    return [format_recovery_code(t) for t in sorted(tokens)]


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str]  # empty when the account kept its existing codes (a replaced authenticator)


def enrol_confirm(*, user, code: str) -> Enrolment | None:
    """Confirm the pending authenticator with a code from it; it replaces any earlier authenticator. The first
    enrolment also creates the recovery codes. None when the code is wrong."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
        )
        if device is None or not device.verify_token(code):
            return None
        replaced = TOTPDevice.objects.filter(user=user, confirmed=True).count()
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = [] if replaced and recovery_codes_left(user) else _new_recovery_codes(user)
        audit_record(
            actor=user,
            action="account.second_factor_replaced" if replaced else "account.second_factor_enrolled",
            target=user,
            changes={"authenticator": [bool(replaced), True], "recovery_codes": [None, len(codes)]},
        )
    return Enrolment(device, codes)


def recovery_codes_renew(*, user) -> list[str]:
    """New recovery codes; the old ones stop working. The caller has checked a current code."""
    with transaction.atomic():
        before = recovery_codes_left(user)
        codes = _new_recovery_codes(user)
        audit_record(
            actor=user,
            action="account.recovery_codes_renewed",
            target=user,
            changes={"recovery_codes_left": [before, len(codes)]},
        )
    return codes


# --- reset by a city administrator --------------------------------------------------------------------------


@transaction.atomic
def second_factor_reset(*, actor, city, user) -> User:
    """Remove the account's authenticator and recovery codes and end its sessions; at the next login the person
    sets up a new authenticator (if their role requires one)."""
    require_people_manager(actor, city)
    if user.pk == actor.pk:
        raise ValidationError(
            _(
                "Ihre eigene Anmeldung setzen Sie hier nicht zurück; unter „Anmeldung absichern“ können Sie "
                "Ihre App ersetzen oder neue Wiederherstellungscodes erstellen."
            )
        )
    require_account_of_city(actor, city, user, whole_account=True)  # the same rule as for deactivation
    locked = User.objects.select_for_update().get(pk=user.pk)
    authenticators = TOTPDevice.objects.filter(user=locked, confirmed=True).count()
    codes = recovery_codes_left(locked)
    if not authenticators and not codes:
        raise ValidationError(_("Für dieses Konto ist keine Anmeldung mit zweitem Faktor eingerichtet."))
    TOTPDevice.objects.filter(user=locked).delete()
    StaticDevice.objects.filter(user=locked).delete()
    locked.session_generation += 1
    locked.save(update_fields=["session_generation"])
    audit_record(
        actor=actor,
        action="account.second_factor_reset",
        target=locked,
        changes={"authenticator": [bool(authenticators), False], "recovery_codes": [codes, 0]},
    )
    return locked
