from django.urls import path

from . import views

app_name = "workspace"

urlpatterns = [
    path("", views.workspace_home, name="home"),
]

from quartier.organisations.views import workspace as organisations  # noqa: E402

urlpatterns += [
    path("organisationen/", organisations.organisation_list, name="organisations"),
    path("organisationen/neu/", organisations.organisation_create, name="organisation_create"),
    path("organisationen/<int:pk>/", organisations.organisation_detail, name="organisation"),
]
