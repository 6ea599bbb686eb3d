"""An oversized request is refused with 413 before its body is read."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse, HttpResponseBadRequest
from django.test import RequestFactory
from django.urls import reverse

from gemis.core import middleware_limits
from gemis.core.middleware_limits import LimitedUploadHandler, RequestSizeLimitMiddleware, RequestTooLarge
from gemis.documents.models import ImportedDocument

pytestmark = pytest.mark.django_db


class CountingInput(io.BytesIO):
    """wsgi.input that remembers whether anyone read from it."""

    bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = super().readline(size)
        self.bytes_read += len(data)
        return data


def _post_51_mb(client, url: str, **headers):
    body = CountingInput(b"x" * 1024)
    response = client.post(
        url,
        content_type="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(51 * 1024 * 1024),
        **{"wsgi.input": body},
        **headers,
    )
    return response, body


def test_a_51_mb_upload_is_refused_before_its_body_is_read(client, world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.province_coordinator)
    response, body = _post_51_mb(client, reverse("documents:import-start"))
    assert response.status_code == 413
    assert body.bytes_read == 0
    html = response.content.decode()
    assert "<html" in html and "50" in html and "Tệp gửi lên quá lớn" in html
    assert not ImportedDocument.objects.exists() and not any(tmp_path.iterdir())


def test_htmx_gets_a_fragment(client, world):
    client.force_login(world.province_coordinator)
    response, body = _post_51_mb(client, reverse("documents:import-start"), HTTP_HX_REQUEST="true")
    assert response.status_code == 413 and body.bytes_read == 0
    assert "<html" not in response.content.decode() and 'role="alert"' in response.content.decode()


def test_the_limit_is_a_setting(client, world, settings):
    settings.GEMIS_MAX_UPLOAD_MB = 60
    client.force_login(world.province_coordinator)
    response, _ = _post_51_mb(client, reverse("documents:import-start"))
    assert response.status_code != 413


def test_an_upload_under_the_limit_goes_through(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.province_coordinator)
    upload = SimpleUploadedFile("kh.txt", "Kế hoạch".encode())
    response = client.post(reverse("documents:import-start"), {"unit": world.province.pk, "file": upload})
    assert response.status_code != 413


def test_the_upload_handler_stops_a_body_past_the_limit(settings):
    settings.GEMIS_MAX_UPLOAD_MB = 1
    request = RequestFactory().post("/", {"file": SimpleUploadedFile("a.pdf", b"%PDF" + b"0" * (2 << 20))})
    request.upload_handlers = [LimitedUploadHandler(request)] + request.upload_handlers
    with pytest.raises(RequestTooLarge):
        request.FILES  # noqa: B018  (reading the files parses the body)
    assert getattr(request, middleware_limits._FLAG)


def test_a_body_stopped_by_the_handler_gets_the_413_page(settings):
    def view(request):
        setattr(request, middleware_limits._FLAG, True)  # as the handler does when it stops
        return HttpResponseBadRequest()

    response = RequestSizeLimitMiddleware(view)(RequestFactory().post("/", {"a": "b"}))
    assert response.status_code == 413
    assert RequestSizeLimitMiddleware(lambda r: HttpResponse())(RequestFactory().post("/")).status_code == 200
