"""The account pages under /konto/: login, password reset, invitation, second factor."""

from django.urls import path

from quartier.accounts import people_views, twofactor_views, views

app_name = "accounts"

urlpatterns = [
    path("anmelden/", views.LoginView.as_view(), name="login"),
    path("abmelden/", views.LogoutView.as_view(), name="logout"),
    path("passwort-vergessen/", views.PasswordResetView.as_view(), name="password_reset"),
    path("passwort-vergessen/gesendet/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "passwort-neu/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("passwort-neu/fertig/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("einladung/<str:token>/", people_views.staff_invitation_accept, name="staff_invitation"),
    path("zweiter-faktor/", twofactor_views.second_factor, name="two_factor"),
    path("zweiter-faktor/einrichten/", twofactor_views.enrol, name="two_factor_enrol"),
    path("zweiter-faktor/wiederherstellungscodes/", twofactor_views.recovery_codes, name="two_factor_codes"),
    path(
        "zweiter-faktor/wiederherstellungscodes.txt",
        twofactor_views.recovery_codes_txt,
        name="two_factor_codes_txt",
    ),
]
