"""The root URLconf: the site's own pages and every room's public and workspace URLs (quartier/site/rooms.py)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from quartier.accounts import sessions as account_sessions
from quartier.core import views as core_views
from quartier.site.api import api
from quartier.site.rooms import contributions
from quartier.site.views import public as site_public
from quartier.site.views import workspace as site_workspace

handler400 = "quartier.core.views.bad_request"
handler403 = "quartier.core.views.permission_denied"
handler404 = "quartier.core.views.page_not_found"
handler500 = "quartier.core.views.server_error"

public_patterns = [
    path("", site_public.home, name="home"),
    path("impressum/", site_public.imprint, name="imprint"),
    path("datenschutz/", site_public.privacy, name="privacy"),
    path("barrierefreiheit/", site_public.accessibility, name="accessibility"),
    path("barrierefreiheit/feedback/", site_public.accessibility_feedback, name="accessibility_feedback"),
    path("bezirke/<str:number>/", site_public.district_detail, name="district"),
    path("stadtteile/<slug:slug>/", site_public.neighbourhood_detail, name="neighbourhood"),
    *contributions("urls.public", "urlpatterns"),
]

workspace_patterns = [
    path("", site_workspace.workspace_home, name="home"),
    *contributions("urls.workspace", "urlpatterns"),
]

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path(".well-known/security.txt", core_views.security_txt, name="security_txt"),
    path("api/v1/", api.urls),
    path(settings.ADMIN_PATH, admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("konto/", include("quartier.accounts.urls.account")),
    path("arbeitsbereich/sitzung/", account_sessions.staff_session, name="staff_session"),
    path("arbeitsbereich/", include((workspace_patterns, "workspace"))),
    path("", include((public_patterns, "public"))),
    prefix_default_language=True,
)

if settings.DEBUG:  # in production the reverse proxy serves QUARTIER_MEDIA_ROOT under /media/ (README)
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
