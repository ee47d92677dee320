"""The portal's pages, plus /bench/constant/: the least a request through the same server can cost."""

from django.http import HttpResponse
from django.urls import include, path


def constant(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/constant/", constant), path("", include("nlk_portal.urls"))]
