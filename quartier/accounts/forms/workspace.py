"""Forms of the workspace: the "Personen" area, where city administrators manage staff accounts."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from quartier.places.models import District

from ..models import DISTRICT_ROLES, STAFF_ROLES, Role, email_refusal
from ..selectors import PeopleFilters
from ..services import normalise_email

INPUT = {"class": "kern-form-input__input"}
SELECT = {"class": "kern-form-input__select"}
CITYWIDE_ROLES = [r for r in STAFF_ROLES if r not in DISTRICT_ROLES]
MAX_CHOICES = 50  # a city has a dozen districts; more values are hostile input, refused before any query


class BoundedDistrictsField(forms.ModelMultipleChoiceField):
    def clean(self, value):
        if value and len(value) > MAX_CHOICES:
            raise forms.ValidationError(_("Zu viele Stadtbezirke ausgewählt."), code="too_many")
        for item in value or ():
            if not (isinstance(item, (str, int)) and str(item).isascii() and str(item).isdigit()) or not (
                0 < int(item) < 2**31
            ):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                )
        return super().clean(value)


class GrantsForm(forms.Form):
    """Roles for the whole city, and the districts of each district-bound role."""

    citywide_roles = forms.MultipleChoiceField(
        label=_("Rollen für die ganze Stadt"),
        choices=[(r.value, r.label) for r in CITYWIDE_ROLES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    coordinator_districts = BoundedDistrictsField(
        label=_("Koordinator*in in den Stadtbezirken"),
        queryset=District.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    competence_districts = BoundedDistrictsField(
        label=_("Mitglied des Kompetenzteams in den Stadtbezirken"),
        queryset=District.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        districts = District.objects.filter(city=city).defer("boundary").order_by("ordinal")
        self.fields["coordinator_districts"].queryset = districts
        self.fields["competence_districts"].queryset = districts

    def clean(self):
        data = super().clean()
        if not self.errors and not self.grants():
            raise forms.ValidationError(_("Bitte wählen Sie mindestens eine Rolle."), code="no_role")
        return data

    def grants(self) -> list[tuple[str, object]]:
        data = self.cleaned_data
        result = [(role, None) for role in data.get("citywide_roles") or []]
        result += [(Role.COORDINATOR.value, d) for d in data.get("coordinator_districts") or []]
        result += [(Role.COMPETENCE_MEMBER.value, d) for d in data.get("competence_districts") or []]
        return result

    @classmethod
    def initial_for(cls, memberships) -> dict:
        return {
            "citywide_roles": [m.role for m in memberships if m.role in CITYWIDE_ROLES],
            "coordinator_districts": [m.district_id for m in memberships if m.role == Role.COORDINATOR],
            "competence_districts": [m.district_id for m in memberships if m.role == Role.COMPETENCE_MEMBER],
        }


class InviteForm(GrantsForm):
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={**INPUT, "autocomplete": "off"}),
    )
    first_name = forms.CharField(
        label=_("Vorname"), max_length=150, widget=forms.TextInput(attrs={**INPUT, "autocomplete": "off"})
    )
    last_name = forms.CharField(
        label=_("Nachname"), max_length=150, widget=forms.TextInput(attrs={**INPUT, "autocomplete": "off"})
    )
    field_order = ["email", "first_name", "last_name"]

    def clean_email(self):
        email = normalise_email(self.cleaned_data["email"])
        refusal = email_refusal(email)  # the same address, or one that looks like it
        if refusal is not None:
            raise refusal
        return email


class PeopleFilterForm(forms.Form):
    """Filters of the list, sent as GET; unknown values are errors (400), never ignored silently."""

    q = forms.CharField(
        label=_("Name oder E-Mail-Adresse"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=INPUT),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", pgettext_lazy("filter", "alle")),
            ("active", pgettext_lazy("account status", "aktiv")),
            ("invited", _("eingeladen, noch nicht angenommen")),
            ("deactivated", _("deaktiviert")),
        ],
        widget=forms.Select(attrs=SELECT),
    )
    role = forms.ChoiceField(
        label=_("Rolle"),
        required=False,
        choices=[("", pgettext_lazy("filter", "alle")), *Role.choices],
        widget=forms.Select(attrs=SELECT),
    )
    district = forms.TypedChoiceField(
        label=_("Stadtbezirk"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        districts = District.objects.filter(city=city).only("pk", "name").order_by("ordinal")
        self.fields["district"].choices = [
            ("", pgettext_lazy("filter", "alle")),
            *((d.pk, d.name) for d in districts),
        ]

    def filters(self) -> PeopleFilters:
        data = self.cleaned_data if self.is_bound else {}
        return PeopleFilters(
            q=data.get("q") or None,
            status=data.get("status") or None,
            role=data.get("role") or None,
            district=data.get("district"),
        )


class PersonalDataRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse der Person"),
        max_length=254,
        widget=forms.EmailInput(attrs={"class": "kern-form-input__input"}),
    )
