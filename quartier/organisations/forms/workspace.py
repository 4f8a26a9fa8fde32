"""Forms of the organisations' workspace pages: the organisation's data, inviting a person, the member buttons."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from quartier.places.models import District

from ..models import MemberRole, Organisation

INPUT = {"class": "kern-form-input__input"}


class OrganisationForm(forms.ModelForm):
    districts = forms.ModelMultipleChoiceField(
        queryset=District.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=capfirst(_("aktiv in den Stadtbezirken")),
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs=INPUT),
    )

    class Meta:
        model = Organisation
        fields = ["name", "kind", "description", "contact_name", "email", "phone", "website", "districts"]
        widgets = {
            "name": forms.TextInput(attrs=INPUT),
            "kind": forms.Select(),
            "description": forms.Textarea(attrs={**INPUT, "rows": 5}),
            "contact_name": forms.TextInput(attrs=INPUT),
            "email": forms.EmailInput(attrs=INPUT),
            "phone": forms.TextInput(attrs={**INPUT, "autocomplete": "tel"}),
        }

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["districts"].queryset = (
            District.objects.filter(city=city).defer("boundary").order_by("ordinal")
        )

    def clean_website(self):
        url = self.cleaned_data.get("website", "")
        if url and not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError(_("Bitte geben Sie eine Adresse mit https:// an."))
        return url


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse der Person"),
        max_length=254,
        widget=forms.EmailInput(attrs={**INPUT, "autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Rolle"),
        choices=MemberRole.choices,
        initial=MemberRole.MEMBER,
        widget=forms.RadioSelect,
        help_text=_("Verwalter*innen können außerdem Personen einladen und Mitglieder entfernen."),
    )

    def __init__(self, *args, **kwargs):
        # Shown beside the organisation's own form, which has an e-mail field too: ids of its own.
        kwargs.setdefault("auto_id", "id_invite_%s")
        super().__init__(*args, **kwargs)


class MemberActionForm(forms.Form):
    """One of the buttons beside a member or an open invitation (change the role, remove, withdraw)."""

    member = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    invitation = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )
    role = forms.ChoiceField(required=False, choices=MemberRole.choices, widget=forms.HiddenInput)
