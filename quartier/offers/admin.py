from django.contrib import admin

from quartier.core.admin import AuditedAdmin

from .models import Offer, OfferCategory
from .services import offers_reindex


@admin.register(OfferCategory)
class OfferCategoryAdmin(AuditedAdmin):
    """Staff maintain the category list here: rename, reorder, add, retire (is_active)."""

    list_display = ["name", "slug", "ordinal", "is_active", "city"]
    list_editable = ["ordinal", "is_active"]
    list_filter = ["city", "is_active"]
    search_fields = ["name", "slug"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:  # the category's name is part of what offers are found by
            offers_reindex(offers=Offer.objects.filter(category=obj))


@admin.register(Offer)
class OfferAdmin(AuditedAdmin):
    list_display = ["title", "category", "organisation", "status", "confirmed_at", "citywide", "is_demo"]
    list_filter = ["city", "status", "category", "citywide", "is_demo"]
    search_fields = ["title"]
    raw_id_fields = ["organisation"]
    filter_horizontal = ["neighbourhoods"]
    readonly_fields = ["confirmed_at", "reminder_sent_at", "version"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)

        offers_reindex(
            offers=Offer.objects.filter(pk=form.instance.pk)
        )  # title, places or texts may have changed
