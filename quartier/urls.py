from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from quartier.accounts import sessions as account_sessions
from quartier.api import api
from quartier.core import views as core_views

handler400 = "quartier.core.views.bad_request"
handler403 = "quartier.core.views.permission_denied"
handler404 = "quartier.core.views.page_not_found"
handler500 = "quartier.core.views.server_error"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path(".well-known/security.txt", core_views.security_txt, name="security_txt"),
    path("api/v1/", api.urls),
    path(settings.ADMIN_PATH, admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("konto/", include("quartier.accounts.urls")),
    path("arbeitsbereich/sitzung/", account_sessions.staff_session, name="staff_session"),
    path("arbeitsbereich/", include("quartier.accounts.workspace_urls")),
    path("", include("quartier.places.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:  # in production the reverse proxy serves QUARTIER_MEDIA_ROOT under /media/ (README)
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
