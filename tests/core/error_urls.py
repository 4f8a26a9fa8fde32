"""The site's URLs plus one page that fails, for the tests of the error pages (test_error_pages.py)."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from quartier.site.urls import handler400, handler403, handler404, handler500  # noqa: F401
from quartier.site.urls import urlpatterns as site_patterns


def fails(request):
    raise RuntimeError("a failure inside a view")


urlpatterns = [path("kaputt", fails), *i18n_patterns(path("kaputt/", fails)), *site_patterns]
