"""The workspace forms: the organiser's event editor, the message of a workflow step, and on the registrations
page the attendance of one person and a message to everyone registered."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from quartier.places.models import Neighbourhood

from ..images import MAX_BYTES, reencode
from ..models import Event, Programme
from ..registration_staff import MAX_BODY, MAX_SUBJECT
from . import INPUT, LANGUAGE_CHOICES


class LimitedImageField(forms.ImageField):
    """Refuses oversized files before any image decoder looks at them."""

    def to_python(self, data):
        if data is not None and getattr(data, "size", 0) > MAX_BYTES:
            raise forms.ValidationError(_("Das Bild ist zu groß (höchstens 5 MB)."))
        return super().to_python(data)


class EventEditForm(forms.ModelForm):
    """The organiser's event editor (drafts and returned events)."""

    start = forms.DateTimeField(
        label=_("Beginn"),
        widget=forms.DateTimeInput(attrs={**INPUT, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    end = forms.DateTimeField(
        label=_("Ende"),
        widget=forms.DateTimeInput(attrs={**INPUT, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    languages = forms.MultipleChoiceField(
        label=_("Sprachen"), required=False, choices=LANGUAGE_CHOICES[1:], widget=forms.CheckboxSelectMultiple
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Zielgruppen"),
        required=False,
        choices=Event.TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    online_url = forms.URLField(
        label=_("Link zur Online-Veranstaltung"),
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs=INPUT),
    )
    exceptions_text = forms.CharField(
        label=_("Ausnahmen"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs=INPUT),
        help_text=_("Daten ohne Termin, durch Kommas getrennt, z. B. 2027-12-24, 2027-12-31"),
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "description",
            "type",
            "programme",
            "start",
            "end",
            "recurrence",
            "recurrence_until",
            "online",
            "online_url",
            "venue_name",
            "venue_street",
            "venue_postal_code",
            "neighbourhood",
            "languages",
            "target_groups",
            "step_free",
            "hearing_loop",
            "sign_language",
            "childcare",
            "is_free",
            "cost",
            "registration",
            "capacity",
            "waiting_list_size",
            "registration_deadline",
            "image",
            "image_alt",
        ]
        widgets = {
            "title": forms.TextInput(attrs=INPUT),
            "description": forms.Textarea(attrs={**INPUT, "rows": 6}),
            "type": forms.Select(),
            "programme": forms.Select(),
            "recurrence": forms.Select(),
            "registration": forms.Select(),
            "neighbourhood": forms.Select(),
            "recurrence_until": forms.DateInput(attrs={**INPUT, "type": "date"}, format="%Y-%m-%d"),
            "online_url": forms.URLInput(attrs=INPUT),
            "venue_name": forms.TextInput(attrs=INPUT),
            "venue_street": forms.TextInput(attrs=INPUT),
            "venue_postal_code": forms.TextInput(attrs=INPUT),
            "cost": forms.TextInput(attrs=INPUT),
            "image_alt": forms.TextInput(attrs=INPUT),
            "image": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            "capacity": forms.NumberInput(attrs={**INPUT, "min": 1}),
            "waiting_list_size": forms.NumberInput(attrs={**INPUT, "min": 0}),
            "registration_deadline": forms.DateTimeInput(
                attrs={**INPUT, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }
        field_classes = {"image": LimitedImageField}

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = (
            Neighbourhood.objects.filter(city=city).defer("boundary").order_by("name")
        )
        self.fields["programme"].queryset = Programme.objects.filter(city=city)
        if not self.instance.city_id:
            self.instance.city = city  # the model's own checks compare the Stadtteil's city with it
        if self.instance.pk:
            self.fields["exceptions_text"].initial = ", ".join(self.instance.exceptions)
            for name in ("start", "end", "registration_deadline"):
                value = getattr(self.instance, name)
                self.initial[name] = timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else None

    def clean_exceptions_text(self):
        days = []
        for raw in filter(None, (p.strip() for p in self.cleaned_data["exceptions_text"].split(","))):
            try:
                days.append(date.fromisoformat(raw).isoformat())
            except ValueError as exc:
                raise forms.ValidationError(
                    _("„%(value)s“ ist kein Datum (JJJJ-MM-TT)."), params={"value": raw[:20]}
                ) from exc
        return sorted(set(days))

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            return reencode(upload)
        return upload

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["exceptions"] = self.cleaned_data["exceptions_text"]
        return data


class EventStepForm(forms.Form):
    """The message that goes with a workflow step (submit, publish, return, reject, cancel)."""

    message = forms.CharField(
        label=_("Nachricht"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={**INPUT, "rows": 3}),
    )


ATTENDANCE = {"yes": True, "no": False, "open": None}


class RegistrationAttendanceForm(forms.Form):
    """One person's attendance at one date."""

    registration = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    attended = forms.ChoiceField(
        label=_("Anwesenheit"),
        choices=[
            ("yes", pgettext_lazy("attendance", "da")),
            ("no", pgettext_lazy("attendance", "nicht da")),
            ("open", pgettext_lazy("attendance", "offen")),
        ],
        error_messages={"invalid_choice": _("Bitte wählen Sie „da“, „nicht da“ oder „offen“.")},
    )

    def value(self) -> bool | None:
        return ATTENDANCE[self.cleaned_data["attended"]]


class RegistrationMessageForm(forms.Form):
    """A message to everyone registered for one date."""

    subject = forms.CharField(
        label=_("Betreff"),
        max_length=MAX_SUBJECT,
        widget=forms.TextInput(attrs=INPUT),
        error_messages={
            "required": _("Bitte geben Sie einen Betreff an."),
            "max_length": _("Der Betreff ist zu lang (höchstens 150 Zeichen)."),
        },
    )
    body = forms.CharField(
        label=_("Nachricht"),
        max_length=MAX_BODY,
        help_text=_(
            "Jede angemeldete Person bekommt eine eigene E-Mail; die Adressen sehen die anderen nicht. "
            "Antworten gehen an die E-Mail-Adresse Ihrer Organisation."
        ),
        widget=forms.Textarea(attrs={**INPUT, "rows": 6}),
        error_messages={
            "required": _("Bitte schreiben Sie eine Nachricht."),
            "max_length": _("Die Nachricht ist zu lang (höchstens 5000 Zeichen)."),
        },
    )
    include_waiting = forms.BooleanField(label=_("auch an die Personen auf der Warteliste"), required=False)
