"""The account pages under /konto/: login, password reset, invitation, second factor."""

from django.urls import path

from quartier.accounts.views import account

app_name = "accounts"

urlpatterns = [
    path("anmelden/", account.LoginView.as_view(), name="login"),
    path("abmelden/", account.LogoutView.as_view(), name="logout"),
    path("passwort-vergessen/", account.PasswordResetView.as_view(), name="password_reset"),
    path("passwort-vergessen/gesendet/", account.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "passwort-neu/<uidb64>/<token>/",
        account.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("passwort-neu/fertig/", account.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("einladung/<str:token>/", account.staff_invitation_accept, name="staff_invitation"),
    path("zweiter-faktor/", account.second_factor, name="two_factor"),
    path("zweiter-faktor/einrichten/", account.enrol, name="two_factor_enrol"),
    path("zweiter-faktor/wiederherstellungscodes/", account.recovery_codes, name="two_factor_codes"),
    path(
        "zweiter-faktor/wiederherstellungscodes.txt",
        account.recovery_codes_txt,
        name="two_factor_codes_txt",
    ),
]
