"""Forms of the offers' workspace pages: the filters of the coverage matrix (GET)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from quartier.accounts.models import Role
from quartier.accounts.permissions import district_ids_for
from quartier.events.forms import LANGUAGE_CHOICES
from quartier.places.models import District

from .models import TargetGroup

MINE = "mine"
ALL = "all"


class CoverageFilterForm(forms.Form):
    """Zielgruppe, Sprache, Stadtbezirk and the per-1,000 toggle; unknown values are errors (400).

    Coordinators see their own districts by default ("mine") and may switch to all districts or any single one:
    offers are public data."""

    target_group = forms.ChoiceField(
        label=_("Zielgruppe"),
        required=False,
        choices=[("", _("alle Zielgruppen")), *TargetGroup.choices],
        widget=forms.Select(),
    )
    language = forms.ChoiceField(
        label=_("Sprache"), required=False, choices=LANGUAGE_CHOICES, widget=forms.Select()
    )
    district = forms.ChoiceField(label=_("Stadtbezirk"), required=False, widget=forms.Select())
    per_1000 = forms.BooleanField(label=_("je 1.000 Einwohner*innen"), required=False)

    def __init__(self, *args, user, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.city = city
        self.own_district_ids = district_ids_for(user, city, roles={Role.COORDINATOR})
        self.districts = list(District.objects.filter(city=city).defer("boundary").order_by("ordinal"))
        choices = []
        if self.own_district_ids:
            choices.append((MINE, _("meine Stadtbezirke")))
        choices.append((ALL, _("alle Stadtbezirke")))
        choices += [(str(d.pk), d.name) for d in self.districts]
        self.fields["district"].choices = choices
        self.default_district = MINE if self.own_district_ids else ALL
        self.fields["district"].initial = self.default_district

    def clean_district(self) -> str:
        return self.cleaned_data.get("district") or self.default_district

    def district_ids(self) -> set[int] | None:
        """The districts to show (None: all), from the cleaned form or the default of an unbound one."""
        value = self.cleaned_data.get("district") if self.is_bound else self.default_district
        value = value or self.default_district
        if value == ALL:
            return None
        if value == MINE:
            return set(self.own_district_ids)
        return {int(value)}

    def selected_districts(self) -> list[District]:
        ids = self.district_ids()
        return [d for d in self.districts if ids is None or d.pk in ids]

    def value(self, name: str):
        if self.is_bound:
            return self.cleaned_data.get(name)
        return self.fields[name].initial
