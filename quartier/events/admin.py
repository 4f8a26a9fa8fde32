from django.contrib import admin

from quartier.core.admin import AuditedAdmin

from .models import Event, EventStep, Programme
from .services import event_occurrences_sync


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ["title", "starts_on", "ends_on", "city", "is_demo"]
    list_filter = ["city", "is_demo"]
    filter_horizontal = ["districts"]


class StepInline(admin.TabularInline):
    model = EventStep
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "message", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(AuditedAdmin):
    list_display = ["title", "start", "status", "organisation", "neighbourhood", "is_demo"]
    list_filter = ["city", "status", "type", "is_demo"]
    search_fields = ["title"]
    readonly_fields = [
        "status",
        "published_at",
    ]  # states change only through the workflow (events/workflow.py)
    raw_id_fields = ["organisation", "programme", "neighbourhood"]
    filter_horizontal = ["co_organisers"]
    inlines = [StepInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        event_occurrences_sync(event=obj)
