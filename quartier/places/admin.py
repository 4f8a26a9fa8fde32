from django.contrib import admin

from quartier.core.admin import AuditedAdmin

from .models import (
    City,
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
