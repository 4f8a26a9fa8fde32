from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .audit import audit_record, model_changes
from .models import AuditEntry, OutboxMessage

admin.site.site_header = _("Quartier – Verwaltung")
admin.site.site_title = _("Quartier")
admin.site.index_title = _("Verwaltung")


class AuditedAdmin(admin.ModelAdmin):
    """Every change made through the admin keeps who changed what (old and new values) and when."""

    def save_model(self, request, obj, form, change):
        before = type(obj).objects.filter(pk=obj.pk).first() if change and obj.pk else None
        super().save_model(request, obj, form, change)
        changes = model_changes(before, obj)
        if changes or not change:
            audit_record(
                actor=request.user,
                action="admin.changed" if change else "admin.created",
                target=obj,
                changes=changes,
            )

    def save_related(self, request, form, formsets, change):
        before = (
            {
                name: sorted(str(pk) for pk in getattr(form.instance, name).values_list("pk", flat=True))
                for name in form.cleaned_data
                if name in {f.name for f in form.instance._meta.many_to_many}
            }
            if change
            else {}
        )
        super().save_related(request, form, formsets, change)
        after = {
            name: sorted(str(pk) for pk in getattr(form.instance, name).values_list("pk", flat=True))
            for name in before
        }
        diff = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
        if diff:
            audit_record(
                actor=request.user, action="admin.relations_changed", target=form.instance, changes=diff
            )

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action="admin.deleted", target=obj, changes=model_changes(None, obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_record(
                actor=request.user, action="admin.deleted", target=obj, changes=model_changes(None, obj)
            )
        super().delete_queryset(request, queryset)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_label", "action", "target_type", "target_label"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_label", "target_label", "target_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subject", "state", "attempts", "sent_at"]
    list_filter = ["state"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False
