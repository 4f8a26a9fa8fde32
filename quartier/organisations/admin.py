from django.contrib import admin

from quartier.core.admin import AuditedAdmin

from .models import Invitation, Organisation, OrganisationMember


class MemberInline(admin.TabularInline):
    model = OrganisationMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "city", "is_demo"]
    list_filter = ["city", "kind", "is_demo"]
    search_fields = ["name"]
    filter_horizontal = ["districts"]
    inlines = [MemberInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "created_at", "expires_at", "accepted_at"]
    readonly_fields = ["organisation", "email", "invited_by", "created_at", "expires_at", "accepted_at"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False
