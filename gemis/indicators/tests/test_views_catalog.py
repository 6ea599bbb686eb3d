"""The catalog page, and loading the catalog from a circular: upload, background reading, preview,
load, TOML download; bad files; only system administrators; nobody else's upload."""

from __future__ import annotations

import tomllib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gemis.core.models import BackgroundJob, JobStatus
from gemis.indicators.models import Indicator, IndicatorKind
from gemis.indicators.testing import make_indicator
from gemis.indicators.tests import annex_samples
from gemis.indicators.uploads import CIRCULARS
from gemis.orgs.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return make_user("sieu", is_superuser=True)


def upload(client, content: bytes, name: str = "thong-tu.docx"):
    return client.post(reverse("indicators:catalog-import"), {"file": SimpleUploadedFile(name, content)})


def read_circular(client, content: bytes | None = None, name: str = "thong-tu.docx") -> str:
    """Upload, let the (immediate) job read it; returns the preview's address."""
    response = upload(client, annex_samples.sample_docx() if content is None else content, name)
    assert response.status_code == 302
    job = BackgroundJob.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert job.status == JobStatus.DONE, job.error
    return job.result_url


# --------------------------------------------------------------------------- the list


def test_catalog_lists_national_and_own_local_indicators(client, world):
    make_indicator("0107", name="Tuổi kết hôn trung bình lần đầu", responsible_agency="Cơ quan thống kê")
    make_indicator("L-TINH", name="Số câu lạc bộ gia đình", owner_unit=world.province)
    make_indicator("L-KHAC", name="Chỉ tiêu của tỉnh khác", owner_unit=world.other_province)
    client.force_login(world.district_a_coordinator)
    response = client.get(reverse("indicators:catalog-list"))
    assert response.status_code == 200
    codes = [row.code for row in response.context["indicators"]]
    assert sorted(codes) == ["0107", "L-TINH"]  # another province's local indicator is not listed
    text = response.content.decode()
    assert "Tuổi kết hôn trung bình lần đầu" in text and "Cơ quan thống kê" in text
    assert "Danh mục chỉ tiêu" in text
    assert 'data-testid="catalog-import-link"' not in text  # only administrators load it


def test_catalog_search_is_accent_insensitive_and_says_it_is_incomplete(client, world):
    make_indicator("0107", name="Tuổi kết hôn trung bình lần đầu")
    make_indicator("0201", name="Tỷ lệ nữ đại biểu")
    client.force_login(world.province_coordinator)
    response = client.get(reverse("indicators:catalog-list"), {"q": "ket hon"})
    assert [row.code for row in response.context["indicators"]] == ["0107"]
    # The bundled file says the circular defines 78; two are loaded here.
    incomplete = response.content.decode()
    assert 'data-testid="catalog-incomplete"' in incomplete
    assert "2 trên 78 chỉ tiêu" in incomplete


# --------------------------------------------------------------------------- loading


def test_upload_read_preview_and_load(client, admin):
    client.force_login(admin)
    page = client.get(reverse("indicators:catalog-list"))
    assert 'data-testid="catalog-import-link"' in page.content.decode()
    preview_url = read_circular(client)
    preview = client.get(preview_url)
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "4 chỉ tiêu đã đọc" in text
    assert "4 mới, 0 thay đổi, 0 không đổi" in text
    assert "0202: Phụ lục II không có mục “nguồn số liệu”." in text
    assert "Tỷ số giới tính khi sinh" in text and "trên 100" in text
    assert not Indicator.objects.exists()  # nothing saved before the confirmation

    response = client.post(preview_url)
    assert response.status_code == 302 and response["Location"] == reverse("indicators:catalog-list")
    assert Indicator.objects.get(code="0102").kind == IndicatorKind.PER_100
    assert Indicator.objects.filter(is_national=True).count() == 4
    listing = client.get(reverse("indicators:catalog-list")).content.decode()
    assert "Đã nạp danh mục từ thong-tu.docx: 4 chỉ tiêu tạo mới, 0 cập nhật, 0 không đổi." in listing
    assert client.get(preview_url).status_code == 404  # the held file is gone
    assert list((admin_media(client)).glob("*")) == []


def admin_media(client):
    from django.conf import settings

    return settings.MEDIA_ROOT / CIRCULARS.folder


def test_reloading_the_same_text_shows_it_unchanged(client, admin):
    client.force_login(admin)
    client.post(read_circular(client))
    text = client.get(read_circular(client)).content.decode()
    assert "0 mới, 0 thay đổi, 4 không đổi" in text


def test_toml_download_is_the_catalog_file(client, admin):
    client.force_login(admin)
    preview_url = read_circular(client)
    response = client.get(preview_url + "catalog.toml")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="catalog.toml"'
    data = tomllib.loads(response.content.decode())
    assert [item["code"] for item in data["indicator"]] == ["0101", "0102", "0201", "0202"]
    assert data["source"]["indicator_count"] == 4


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "trong.docx", "rỗng"),
        (b"PK\x03\x04 hong", "hong.docx", "bị hỏng"),
        (b"KE HOACH\nnam 2026\n", "kehoach.txt", "Không tìm thấy chỉ tiêu nào"),
        (b"MZ\x90\x00", "chuongtrinh.exe", "GEMIS đọc được tệp .docx, .pdf, .html và .txt"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "cu.doc", "định dạng Word cũ"),
    ],
)
def test_bad_files_are_refused_with_a_message_and_nothing_loaded(client, admin, content, name, message):
    client.force_login(admin)
    response = upload(client, content, name)
    if response.status_code == 400:  # refused by the form
        assert message in response.content.decode()
    else:  # refused by the reading job
        job = BackgroundJob.objects.get()
        assert job.status == JobStatus.FAILED
        assert message in job.error
        assert list(admin_media(client).glob("*")) == []
    assert not Indicator.objects.exists()


# --------------------------------------------------------------------------- who may


def test_only_system_administrators_load(client, world, admin):
    client.force_login(admin)
    preview_url = read_circular(client)
    for person in (world.province_coordinator, world.province_admin, world.other_coordinator):
        client.force_login(person)
        assert client.get(reverse("indicators:catalog-import")).status_code == 404
        assert upload(client, annex_samples.sample_docx()).status_code == 404
        assert client.get(preview_url).status_code == 404
        assert client.post(preview_url).status_code == 404
        assert client.get(preview_url + "catalog.toml").status_code == 404
    assert not Indicator.objects.exists()


def test_another_administrators_upload_is_not_found(client, admin):
    client.force_login(admin)
    preview_url = read_circular(client)
    client.force_login(make_user("sieu2", is_superuser=True))
    assert client.get(preview_url).status_code == 404
    assert client.post(preview_url).status_code == 404


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(reverse("indicators:catalog-list"))
    assert response.status_code == 302 and "/login" in response["Location"]
