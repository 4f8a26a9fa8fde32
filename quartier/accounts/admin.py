from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from quartier.core.admin import AuditedAdmin
from quartier.places.models import Contact

from .models import Membership, Role, StaffInvitation, User, email_refusal
from .services import normalise_email, username_for


class UserCreationAdminForm(AdminUserCreationForm):
    """Adds an account by e-mail address (login is by e-mail); the username is derived from it."""

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email", "first_name", "last_name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True

    def clean_email(self):
        email = normalise_email(self.cleaned_data.get("email"))
        refusal = email_refusal(email)  # the same address, or one that looks like it
        if refusal is not None:
            raise refusal
        return email

    def _post_clean(self):
        if self.cleaned_data.get("email"):
            self.instance.username = username_for(self.cleaned_data["email"])
        super()._post_clean()


class UserChangeAdminForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "email" in self.fields:
            self.fields["email"].required = True

    def clean_email(self):
        email = normalise_email(self.cleaned_data.get("email"))
        refusal = email_refusal(email, exclude_pk=self.instance.pk)
        if refusal is not None:
            raise refusal
        return email


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    add_form = UserCreationAdminForm
    form = UserChangeAdminForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    inlines = [MembershipInline]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff", "is_superuser"]
    ordering = ["email"]
    search_fields = ["email", "first_name", "last_name"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "city", "role", "district"]
    list_filter = ["city", "role", "district"]


@admin.register(StaffInvitation)
class StaffInvitationAdmin(AuditedAdmin):
    list_display = ["user", "city", "created_at", "expires_at", "accepted_at"]
    list_filter = ["city"]
    readonly_fields = ["user", "city", "invited_by", "expires_at", "accepted_at"]

    def has_add_permission(self, request):  # invitations are sent from the workspace, with a link by e-mail
        return False


# A public contact (places) names staff accounts, who must be coordinators of its districts: a rule about roles,
# so the contact's admin lives here, one layer above places.
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
