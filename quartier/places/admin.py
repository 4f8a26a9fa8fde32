from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from quartier.accounts.models import Membership, Role
from quartier.core.admin import AuditedAdmin

from .models import (
    City,
    Contact,
    District,
    DistrictOffice,
    Neighbourhood,
    OperatorInformation,
    Postcode,
    PostcodeNeighbourhood,
)


class OperatorInline(admin.StackedInline):
    model = OperatorInformation
    can_delete = False


@admin.register(City)
class CityAdmin(AuditedAdmin):
    list_display = ["name", "slug", "domain", "is_default", "fallback_team_name"]
    exclude = ["boundary", "attributions", "reference_notes"]
    inlines = [OperatorInline]


@admin.register(District)
class DistrictAdmin(AuditedAdmin):
    list_display = ["number", "name", "city"]
    list_filter = ["city"]
    exclude = ["boundary"]


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(AuditedAdmin):
    list_display = ["number", "name", "district", "population", "population_date"]
    list_filter = ["city", "district"]
    search_fields = ["name", "slug"]
    exclude = ["boundary"]


class PostcodePairInline(admin.TabularInline):
    model = PostcodeNeighbourhood
    extra = 0
    autocomplete_fields = ["neighbourhood"]
    readonly_fields = ["added_at", "added_by"]


@admin.register(Postcode)
class PostcodeAdmin(AuditedAdmin):
    list_display = ["code", "city", "source"]
    list_filter = ["city", "source"]
    inlines = [PostcodePairInline]


@admin.register(DistrictOffice)
class DistrictOfficeAdmin(AuditedAdmin):
    list_display = ["name", "street", "postal_code", "phone", "email"]
    list_filter = ["city"]
    filter_horizontal = ["districts"]


class ContactAdminForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["city", "name", "vacant", "role", "office", "districts", "email", "phone", "staff"]

    def clean(self):
        data = super().clean()
        districts, staff = data.get("districts"), data.get("staff")
        if districts is not None and staff:
            missing = [
                str(user)
                for user in staff
                if not Membership.objects.filter(
                    user=user, role=Role.COORDINATOR, district__in=districts
                ).exists()
            ]
            if missing:
                raise forms.ValidationError(
                    _(
                        "Diese Personen sind in keinem der Stadtbezirke als Koordinator*in eingetragen: %(names)s"
                    ),
                    params={"names": ", ".join(missing)},
                )
        return data


@admin.register(Contact)
class ContactAdmin(AuditedAdmin):
    form = ContactAdminForm
    list_display = ["shown_name", "vacant", "office", "role"]
    list_filter = ["city", "vacant"]
    filter_horizontal = ["districts", "staff"]

    @admin.display(description=_("Name"), ordering="name")
    def shown_name(self, contact: Contact) -> str:
        return contact.display_name
