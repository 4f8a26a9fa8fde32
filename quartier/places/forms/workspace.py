"""Forms of the place data in the workspace: a postcode ↔ Stadtteil pair added by the city."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Neighbourhood


class PostcodePairAddForm(forms.Form):
    """A postcode ↔ Stadtteil pair added by the city: a postcode of the city (or a new German one) and a Stadtteil."""

    code = forms.CharField(
        label=_("Postleitzahl"),
        max_length=5,
        min_length=5,
        help_text=_("Fünf Ziffern, zum Beispiel 45276"),
        widget=forms.TextInput(
            attrs={
                "class": "kern-form-input__input",
                "inputmode": "numeric",
                "autocomplete": "off",
                "size": 6,
            }
        ),
        error_messages={
            "required": _("Bitte geben Sie eine Postleitzahl ein."),
            "max_length": _("Eine Postleitzahl hat fünf Ziffern."),
            "min_length": _("Eine Postleitzahl hat fünf Ziffern."),
        },
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Stadtteil"),
        queryset=None,
        empty_label=_("Bitte wählen"),
        widget=forms.Select(),
        error_messages={
            "required": _("Bitte wählen Sie einen Stadtteil."),
            "invalid_choice": _("Bitte wählen Sie einen Stadtteil dieser Stadt."),
        },
    )

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = (
            Neighbourhood.objects.filter(city=city).defer("boundary").order_by("name")
        )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        # ASCII digits only ("\d" would take other scripts' digits); German postcodes run from 01001 to 99998.
        if not (len(code) == 5 and code.isascii() and code.isdigit()) or code.startswith("00"):
            raise forms.ValidationError(_("Bitte geben Sie eine deutsche Postleitzahl mit fünf Ziffern ein."))
        return code
