"""Forms of the public offer pages: the filters of the list (GET)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from quartier.core.languages import language_name
from quartier.places.models import District, Neighbourhood

from ..models import OfferCategory, TargetGroup

INPUT = {"class": "kern-form-input__input"}
Q_MAX_LENGTH = 200


class OfferFilterForm(forms.Form):
    """The public search and filters of the offer list; every field is optional."""

    q = forms.CharField(
        label=_("Suchbegriff"),
        required=False,
        max_length=Q_MAX_LENGTH,
        widget=forms.TextInput(attrs={**INPUT, "type": "search"}),
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Stadtteil"),
        required=False,
        queryset=Neighbourhood.objects.none(),
        empty_label=_("alle Stadtteile"),
        widget=forms.Select(),
    )
    district = forms.ModelChoiceField(
        label=_("Stadtbezirk"),
        required=False,
        queryset=District.objects.none(),
        empty_label=_("alle Stadtbezirke"),
        widget=forms.Select(),
    )
    category = forms.ModelChoiceField(
        label=_("Kategorie"),
        required=False,
        queryset=OfferCategory.objects.none(),
        empty_label=_("alle Kategorien"),
        widget=forms.Select(),
    )
    target_group = forms.ChoiceField(
        label=_("Zielgruppe"),
        required=False,
        choices=[("", _("alle Zielgruppen")), *TargetGroup.choices],
        widget=forms.Select(),
    )
    language = forms.ChoiceField(label=_("Sprache"), required=False, choices=(), widget=forms.Select())
    free = forms.BooleanField(label=_("nur kostenlose"), required=False)

    def __init__(self, *args, city, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = (
            Neighbourhood.objects.filter(city=city).defer("boundary").order_by("name")
        )
        self.fields["district"].queryset = (
            District.objects.filter(city=city).defer("boundary").order_by("ordinal")
        )
        self.fields["category"].queryset = OfferCategory.objects.filter(city=city, is_active=True)
        named = sorted(((code, language_name(code)) for code in languages), key=lambda c: c[1].casefold())
        self.fields["language"].choices = [("", _("alle Sprachen")), *named]
