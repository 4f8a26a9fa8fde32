"""The public form for funding advice: the project idea, the programmes of interest, contact details, consent, a
honeypot and a signed one-time form key (the conventions of the suggestion form)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quartier.core import formkeys
from quartier.core.formatting import format_when
from quartier.offers.models import TargetGroup
from quartier.places.models import Neighbourhood

from .. import selectors
from ..models import ProgrammeDeadline
from ..services import MAX_AMOUNT, MAX_PLACES, MAX_TEXT, MAX_TITLE

INPUT = {"class": "kern-form-input__input"}
# The fields the comparison needs; "Ähnliches anzeigen" shows only their errors.
IDEA_FIELDS = ("title", "description", "neighbourhoods", "target_groups")
MAX_LINE = 200
FORM_KEY_SALT = "quartier.funding.form-key"
FORM_KEY_MAX_AGE = 24 * 3600
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def new_form_key() -> str:
    return formkeys.new(FORM_KEY_SALT)


def read_form_key(value: str) -> tuple[str, float] | None:
    return formkeys.read(FORM_KEY_SALT, value, max_age=FORM_KEY_MAX_AGE)


def place_choices(city) -> list:
    """The city's Stadtteile grouped by Stadtbezirk: [(district name, [(id, name), ...]), ...]."""
    groups: dict[int, tuple] = {}
    places = (
        Neighbourhood.objects.filter(city=city)
        .select_related("district")
        .only("id", "name", "district__id", "district__name", "district__ordinal")
        .order_by("district__ordinal", "name")
    )
    for place in places:
        groups.setdefault(place.district_id, (place.district.name, []))[1].append((str(place.pk), place.name))
    return list(groups.values())


class ProgrammeChoiceField(forms.ModelMultipleChoiceField):
    """Programmes labelled with their provider and next deadline, as the checkboxes show them."""

    _next_deadlines: dict[int, ProgrammeDeadline] | None = None

    def next_deadlines(self) -> dict[int, ProgrammeDeadline]:
        if self._next_deadlines is None:
            self._next_deadlines = {}
            for deadline in ProgrammeDeadline.objects.filter(
                programme__in=self.queryset, date__gte=timezone.localdate()
            ).order_by("date"):
                self._next_deadlines.setdefault(deadline.programme_id, deadline)
        return self._next_deadlines

    def label_from_instance(self, obj):
        details = [obj.provider] if obj.provider else []
        deadline = self.next_deadlines().get(obj.pk)
        if deadline is not None:
            details.append(_("nächste Frist: %(date)s") % {"date": format_when(deadline.date, "DATE_FORMAT")})
        return f"{obj.name} ({', '.join(details)})" if details else obj.name


def _single_line(value: str, message) -> str:
    if _CONTROL.search(value):
        raise forms.ValidationError(message)
    return value


class FundingForm(forms.Form):
    title = forms.CharField(
        label=_("Titel Ihrer Projektidee"),
        min_length=3,
        max_length=MAX_TITLE,
        widget=forms.TextInput(attrs={**INPUT, "dir": "auto"}),
        error_messages={
            "required": _("Bitte geben Sie Ihrer Projektidee einen Titel."),
            "min_length": _("Bitte schreiben Sie mindestens %(limit_value)d Zeichen."),
            "max_length": _(
                "Bitte kürzen Sie auf höchstens %(limit_value)d Zeichen (jetzt: %(show_value)d)."
            ),
        },
    )
    description = forms.CharField(
        label=_("Beschreibung"),
        help_text=_(
            "Was soll entstehen, für wen, wie oft und wo? Mindestens 20, höchstens 10.000 Zeichen. "
            "Vor dem Senden können Sie sich ähnliche Angebote in den Stadtteilen anzeigen lassen."
        ),
        min_length=20,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={**INPUT, "rows": 8, "dir": "auto"}),
        error_messages={
            "required": _("Bitte beschreiben Sie Ihre Projektidee."),
            "min_length": _("Bitte schreiben Sie mindestens %(limit_value)d Zeichen."),
            "max_length": _(
                "Bitte kürzen Sie auf höchstens %(limit_value)d Zeichen (jetzt: %(show_value)d)."
            ),
        },
    )
    neighbourhoods = forms.MultipleChoiceField(
        label=_("Stadtteile"),
        help_text=_("Höchstens 10 Stadtteile."),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Bitte wählen Sie mindestens einen Stadtteil."),
            "invalid_choice": _("Bitte wählen Sie Stadtteile aus der Liste."),
            "invalid_list": _("Bitte wählen Sie Stadtteile aus der Liste."),
        },
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Zielgruppen (freiwillig)"),
        required=False,
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Bitte wählen Sie Zielgruppen aus der Liste."),
            "invalid_list": _("Bitte wählen Sie Zielgruppen aus der Liste."),
        },
    )
    period_start = forms.DateField(
        label=_("Geplanter Beginn (freiwillig)"),
        required=False,
        widget=forms.DateInput(attrs={**INPUT, "type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Bitte geben Sie ein Datum an, zum Beispiel 2027-03-01.")},
    )
    period_end = forms.DateField(
        label=_("Geplantes Ende (freiwillig)"),
        required=False,
        widget=forms.DateInput(attrs={**INPUT, "type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Bitte geben Sie ein Datum an, zum Beispiel 2027-12-31.")},
    )
    budget = forms.CharField(
        label=_("Geschätztes Budget in Euro (freiwillig)"),
        help_text=_("Eine ganze Zahl oder ein Betrag mit Komma, zum Beispiel 4500 oder 4500,50."),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={**INPUT, "inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"max_length": _("Bitte geben Sie einen Betrag in Euro an, z. B. 4500.")},
    )
    programmes = ProgrammeChoiceField(
        label=_("Förderprogramme, die Sie interessieren (freiwillig)"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Bitte wählen Sie Förderprogramme aus der Liste."),
            "invalid_pk_value": _("Bitte wählen Sie Förderprogramme aus der Liste."),
            "invalid_list": _("Bitte wählen Sie Förderprogramme aus der Liste."),
        },
    )
    organisation_name = forms.CharField(
        label=_("Organisation (freiwillig)"),
        required=False,
        max_length=MAX_LINE,
        widget=forms.TextInput(attrs={**INPUT, "autocomplete": "organization", "dir": "auto"}),
        error_messages={"max_length": _("Bitte kürzen Sie auf höchstens %(limit_value)d Zeichen.")},
    )
    contact_name = forms.CharField(
        label=_("Ihr Name (freiwillig)"),
        required=False,
        max_length=MAX_LINE,
        widget=forms.TextInput(attrs={**INPUT, "autocomplete": "name", "dir": "auto"}),
        error_messages={"max_length": _("Bitte kürzen Sie auf höchstens %(limit_value)d Zeichen.")},
    )
    contact_email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        help_text=_("Geben Sie eine E-Mail-Adresse oder eine Telefonnummer an, damit wir Sie erreichen."),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={**INPUT, "autocomplete": "email"}),
        error_messages={
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel name@beispiel.de."),
            "max_length": _(
                "Bitte geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel name@beispiel.de."
            ),
        },
    )
    contact_phone = forms.CharField(
        label=_("Telefon"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={**INPUT, "type": "tel", "autocomplete": "tel"}),
        error_messages={"max_length": _("Bitte kürzen Sie auf höchstens %(limit_value)d Zeichen.")},
    )
    consent = forms.BooleanField(
        label=_(
            "Ich bin einverstanden, dass meine Angaben wie beschrieben gespeichert werden, um die Beratung zu "
            "vereinbaren und durchzuführen."
        ),
        error_messages={"required": _("Ohne Ihr Einverständnis können wir die Anfrage nicht speichern.")},
        # The privacy notice above the box (id in the template) describes what the consent covers.
        widget=forms.CheckboxInput(attrs={"aria-describedby": "consent-notice"}),
    )
    website = forms.CharField(required=False, label=_("Dieses Feld bitte leer lassen"), max_length=200)
    form_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.city = city
        self.fields["neighbourhoods"].choices = place_choices(city)
        self.fields["programmes"].queryset = selectors.programmes(city)
        self.submission_key: str | None = None
        self.seconds_open: float = 0.0

    def clean_title(self):
        return _single_line(self.cleaned_data["title"], _("Der Titel enthält unzulässige Zeichen."))

    def clean_description(self):
        text = self.cleaned_data["description"]
        if _CONTROL_IN_TEXT.search(text):
            raise forms.ValidationError(_("Die Beschreibung enthält unzulässige Zeichen."))
        return text

    def clean_organisation_name(self):
        return _single_line(
            self.cleaned_data["organisation_name"], _("Der Name enthält unzulässige Zeichen.")
        )

    def clean_contact_name(self):
        return _single_line(self.cleaned_data["contact_name"], _("Der Name enthält unzulässige Zeichen."))

    def clean_contact_phone(self):
        phone = self.cleaned_data["contact_phone"]
        if phone and not re.fullmatch(r"[0-9+()/ .\-]{3,40}", phone):
            raise forms.ValidationError(
                _("Bitte geben Sie eine Telefonnummer mit Ziffern an, zum Beispiel 0201 123456.")
            )
        return phone

    def clean_neighbourhoods(self):
        ids = self.cleaned_data["neighbourhoods"]
        if len(ids) > MAX_PLACES:
            raise forms.ValidationError(
                _("Bitte wählen Sie höchstens %(n)s Stadtteile.") % {"n": MAX_PLACES}, code="too_many"
            )
        wanted = [int(pk) for pk in dict.fromkeys(ids)]
        found = {
            n.pk: n
            for n in Neighbourhood.objects.filter(city=self.city, pk__in=wanted)
            .select_related("district")
            .defer("boundary", "district__boundary")
        }
        if len(found) != len(wanted):
            raise forms.ValidationError(_("Bitte wählen Sie Stadtteile aus der Liste."))
        return [found[pk] for pk in wanted]

    def clean_budget(self):
        raw = self.cleaned_data["budget"].replace("€", "").replace(" ", "").replace("\u00a0", "").strip()
        if not raw:
            return None
        if "," in raw and "." in raw:  # 4.500,50
            raw = raw.replace(".", "")
        raw = raw.replace(",", ".")
        message = _("Bitte geben Sie einen Betrag in Euro an, z. B. 4500.")
        if not re.fullmatch(r"\d{1,10}(\.\d{1,2})?", raw):
            raise forms.ValidationError(message)
        try:
            amount = Decimal(raw)
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
            raise forms.ValidationError(message) from exc
        if amount > MAX_AMOUNT:
            raise forms.ValidationError(message)
        return amount

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("Das Ende liegt vor dem Beginn."))
        if (
            "contact_email" not in self.errors
            and "contact_phone" not in self.errors
            and not data.get("contact_email")
            and not data.get("contact_phone")
        ):
            self.add_error(
                "contact_email",
                _("Bitte geben Sie eine E-Mail-Adresse oder Telefonnummer an, damit wir Sie erreichen."),
            )
        read = read_form_key(self.data.get("form_key", ""))
        if read is None:
            self.add_error(
                None,
                forms.ValidationError(
                    _(
                        "Das Formular ist abgelaufen oder unvollständig. Bitte laden Sie die Seite neu und "
                        "senden Sie Ihre Anfrage noch einmal."
                    ),
                    code="form_key",
                ),
            )
        else:
            self.submission_key, self.seconds_open = read
        return data

    def idea_is_valid(self) -> bool:
        """Whether title, description and Stadtteile (and target groups) are good enough to compare."""
        self.errors  # noqa: B018 - runs the validation
        return all(name not in self.errors for name in IDEA_FIELDS)

    def keep_only_idea_errors(self) -> None:
        for name in list(self.errors):
            if name not in IDEA_FIELDS:
                del self.errors[name]

    @property
    def filled_too_fast(self) -> bool:
        return self.seconds_open < settings.SUGGESTION_MIN_FILL_SECONDS

    @property
    def form_key_invalid(self) -> bool:
        return self.submission_key is None
