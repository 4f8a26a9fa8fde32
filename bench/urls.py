"""The production URLs plus /bench/minimal, the baseline for the HTTP benchmark (never in quartier.site.urls)."""

from django.http import HttpResponse
from django.urls import path

from quartier.site.urls import handler400, handler403, handler404, handler500
from quartier.site.urls import urlpatterns as production_urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def minimal(request):
    return HttpResponse("ok")


urlpatterns = [*production_urlpatterns, path("bench/minimal", minimal)]
