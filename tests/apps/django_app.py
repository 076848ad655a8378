"""A one-file Django project (WSGI and ASGI) for the adapter tests."""

from __future__ import annotations

import django
from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="lambdaworks-tests",
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["*"],
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        USE_TZ=True,
    )
    django.setup()

from django.http import HttpRequest, JsonResponse
from django.urls import path, reverse


def hello(request: HttpRequest, name: str) -> JsonResponse:
    return JsonResponse(
        {
            "name": name,
            "url": request.build_absolute_uri(reverse("hello", args=[name])),
            "args": dict(request.GET.lists()),
        }
    )


urlpatterns = [path("hello/<str:name>", hello, name="hello")]

from django.core.handlers.asgi import ASGIHandler  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

wsgi_app = WSGIHandler()
asgi_app = ASGIHandler()
