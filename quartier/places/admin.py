from django.contrib import admin

from quartier.core.admin import AuditedAdmin

from .models import City, Contact, District, DistrictOffice, Neighbourhood, OperatorInformation, Postcode


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


@admin.register(Postcode)
class PostcodeAdmin(AuditedAdmin):
    list_display = ["code", "city"]
    list_filter = ["city"]
    filter_horizontal = ["neighbourhoods"]


@admin.register(DistrictOffice)
class DistrictOfficeAdmin(AuditedAdmin):
    list_display = ["name", "street", "postal_code", "phone", "email"]
    list_filter = ["city"]
    filter_horizontal = ["districts"]


@admin.register(Contact)
class ContactAdmin(AuditedAdmin):
    list_display = ["display_name", "vacant", "office", "role"]
    list_filter = ["city", "vacant"]
    filter_horizontal = ["districts", "staff"]
