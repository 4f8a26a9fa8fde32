from django import forms
from django.utils.translation import gettext_lazy as _

from quartier.places.models import District, Neighbourhood

from .models import Event

INPUT = {"class": "kern-form-input__input"}
SELECT = {"class": "kern-form-input__select"}

LANGUAGE_CHOICES = [
    ("", _("alle Sprachen")),
    ("de", _("Deutsch")),
    ("en", _("Englisch")),
    ("ar", _("Arabisch")),
    ("tr", _("Türkisch")),
    ("uk", _("Ukrainisch")),
    ("ru", _("Russisch")),
    ("fa", _("Persisch")),
    ("pl", _("Polnisch")),
    ("ro", _("Rumänisch")),
    ("bg", _("Bulgarisch")),
    ("fr", _("Französisch")),
    ("ku", _("Kurdisch")),
    ("ti", _("Tigrinya")),
]


class EventFilterForm(forms.Form):
    """The public filters of the event list (GET); every field is optional."""

    q = forms.CharField(
        label=_("Suchbegriff"), required=False, max_length=200, widget=forms.TextInput(attrs=INPUT)
    )
    district = forms.ModelChoiceField(
        label=_("Stadtbezirk"),
        required=False,
        queryset=District.objects.none(),
        empty_label=_("alle Stadtbezirke"),
        widget=forms.Select(attrs=SELECT),
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Stadtteil"),
        required=False,
        queryset=Neighbourhood.objects.none(),
        empty_label=_("alle Stadtteile"),
        widget=forms.Select(attrs=SELECT),
    )
    start = forms.DateField(
        label=_("von"), required=False, widget=forms.DateInput(attrs={**INPUT, "type": "date"})
    )
    end = forms.DateField(
        label=_("bis"), required=False, widget=forms.DateInput(attrs={**INPUT, "type": "date"})
    )
    type = forms.ChoiceField(
        label=_("Art"),
        required=False,
        choices=[("", _("alle Arten")), *Event.Type.choices],
        widget=forms.Select(attrs=SELECT),
    )
    language = forms.ChoiceField(
        label=_("Sprache"), required=False, choices=LANGUAGE_CHOICES, widget=forms.Select(attrs=SELECT)
    )
    target_group = forms.ChoiceField(
        label=_("Zielgruppe"),
        required=False,
        choices=[("", _("alle Zielgruppen")), *Event.TargetGroup.choices],
        widget=forms.Select(attrs=SELECT),
    )
    free = forms.BooleanField(label=_("nur kostenlose"), required=False)
    step_free = forms.BooleanField(label=_("nur stufenlos erreichbare"), required=False)

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(city=city).order_by("ordinal")
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(city=city).order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("Das Ende liegt vor dem Beginn."))
        return data
