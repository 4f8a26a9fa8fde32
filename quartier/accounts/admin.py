from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from quartier.core.admin import AuditedAdmin

from .models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff", "is_superuser"]
    ordering = ["email"]
    search_fields = ["email", "first_name", "last_name"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "city", "role", "district"]
    list_filter = ["city", "role", "district"]
