from django.contrib import admin

from quartier.core.admin import AuditedAdmin

from .models import Suggestion, SuggestionNote, SuggestionStep


class StepInline(admin.TabularInline):
    model = SuggestionStep
    extra = 0
    can_delete = False
    readonly_fields = [
        "from_status",
        "to_status",
        "outcome",
        "actor",
        "forwarded_to",
        "message",
        "created_at",
    ]

    def has_add_permission(self, request, obj=None):
        return False


class NoteInline(admin.TabularInline):
    model = SuggestionNote
    extra = 0
    can_delete = False
    readonly_fields = ["author", "text", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Suggestion)
class SuggestionAdmin(AuditedAdmin):
    list_display = ["id", "created_at", "status", "topic", "neighbourhood", "district", "is_demo"]
    list_filter = ["city", "status", "topic", "is_demo"]
    # Workflow states and contact data change only through the workspace (services.py), which keeps the steps,
    # the audit trail and the optimistic lock.
    readonly_fields = ["status", "outcome", "name", "email", "consent_at", "version", "closed_at"]
    raw_id_fields = ["neighbourhood", "district", "assigned_to"]
    inlines = [StepInline, NoteInline]
