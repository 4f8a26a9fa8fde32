from django.contrib import admin

from quartier.core.admin import AuditedAdmin

from . import services
from .models import (
    ConsultationSlot,
    ConsultationStep,
    FundingConsultation,
    FundingProgramme,
    ProgrammeDeadline,
)


class DeadlineInline(admin.TabularInline):
    model = ProgrammeDeadline
    extra = 1


@admin.register(FundingProgramme)
class FundingProgrammeAdmin(AuditedAdmin):
    list_display = ["name", "provider", "max_amount", "city", "is_active", "is_demo"]
    list_filter = ["city", "is_active", "is_demo"]
    search_fields = ["name", "provider", "target"]
    inlines = [DeadlineInline]


class StepInline(admin.TabularInline):
    model = ConsultationStep
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "message", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


class SlotInline(admin.TabularInline):
    model = ConsultationSlot
    extra = 0
    can_delete = False
    readonly_fields = ["starts_at", "ends_at", "place", "is_chosen", "is_withdrawn"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FundingConsultation)
class FundingConsultationAdmin(AuditedAdmin):
    list_display = ["id", "created_at", "title", "status", "district", "assigned_to", "is_demo"]
    list_filter = ["city", "status", "is_demo"]
    search_fields = ["title"]
    # Workflow states, results and contact data change only through the workspace (services.py), which keeps the
    # steps, the audit trail and the optimistic lock.
    readonly_fields = [
        "status",
        "contact_name",
        "contact_email",
        "contact_phone",
        "consent_at",
        "advice_notes",
        "result_programme",
        "result_amount",
        "assigned_to",
        "version",
        "channel",
        "last_activity_at",
        "closed_at",
        "personal_data_removed_at",
        "status_link_expires_at",
    ]
    exclude = ["recommended_programmes", "offers", "events"]
    raw_id_fields = ["organisation", "district", "neighbourhoods", "districts", "programmes"]
    inlines = [SlotInline, StepInline]

    def has_add_permission(self, request):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Opening a consultation with contact data is audited here as in the workspace."""
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            if obj is not None:
                services.consultation_view_record(actor=request.user, consultation=obj)
        return super().change_view(request, object_id, form_url, extra_context)
