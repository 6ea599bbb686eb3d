"""A small but complete world for the form fuzz test: one 2025 province with a commune, its agencies,
a superuser and a coordinator, a draft and an issued plan (sections, tasks, progress with evidence),
notifications and calendar feeds, indicators with a dataset and values, a local indicator with a
target, and a document import; every URL of GEMIS can be filled with a real object from it.

Built with the apps' own factories (``testing.py`` modules) so that it follows their models.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, ResolverMatch, resolve, reverse
from openpyxl import load_workbook

from gemis.core.models import BackgroundJob
from gemis.documents import imports
from gemis.documents.models import ImportedDocument
from gemis.indicators import excel, local
from gemis.indicators.models import Comparator, Indicator, IndicatorKind, Periodicity, Target
from gemis.indicators.testing import put
from gemis.indicators.tests.screens import Form, make_form
from gemis.legal.models import DocumentKind, LegalDocument
from gemis.orgs.models import Agency, Membership, OrgUnit, Role, Scheme, User
from gemis.orgs.testing import make_agency, make_unit, make_user
from gemis.plans import trash
from gemis.plans.models import CalendarFeed, Notification, Plan, PlanSection, PlanStatus, Task
from gemis.plans.progress import record_progress
from gemis.plans.testing import make_plan, make_section, make_task

# A short plan to import: its review form has a few dozen fields, not hundreds (each is fuzzed).
SMALL_PLAN = """ỦY BAN NHÂN DÂN
TỈNH THỬ NGHIỆM
SỞ NỘI VỤ

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 215/KH-SNV
Thử Nghiệm, ngày 20 tháng 10 năm 2026

KẾ HOẠCH
Tổ chức Tháng hành động vì bình đẳng giới năm 2026

Căn cứ Luật Bình đẳng giới số 73/2006/QH11 ngày 29 tháng 11 năm 2006;
Sở Nội vụ xây dựng Kế hoạch như sau:

I. NỘI DUNG HOẠT ĐỘNG
1. Tổ chức lễ phát động Tháng hành động cấp tỉnh.
Thực hiện: Sở Nội vụ chủ trì, phối hợp với Hội Liên hiệp Phụ nữ tỉnh.
Thời gian: trước ngày 15/11/2026.
2. Tổng hợp kết quả, báo cáo Ủy ban nhân dân tỉnh trước ngày 25/12/2026.
Thực hiện: Sở Nội vụ.

KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC
"""


@dataclass
class FuzzWorld:
    province: OrgUnit
    commune: OrgUnit
    standing: Agency
    ubnd: Agency
    health: Agency
    commune_agency: Agency
    superuser: User
    coordinator: User
    focal: User
    legal: LegalDocument
    draft: Plan
    draft_section: PlanSection
    draft_task: Task
    issued: Plan
    issued_task: Task
    form: Form
    local_indicator: Indicator
    target: Target
    imported: ImportedDocument
    membership: Membership
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def users(self) -> list[User]:
        return [self.superuser, self.coordinator]


def build_fuzz_world() -> FuzzWorld:
    province = make_unit("Tỉnh Thử Nghiệm", code="93", scheme=Scheme.CURRENT)
    commune = make_unit("Xã Hòa Bình", code="93001", parent=province)
    make_unit("Xã An Phú", code="93002", parent=province)
    standing = make_agency(province, "Sở Nội vụ", "SNV", code="so-noi-vu")
    province.standing_agency = standing
    province.save()
    ubnd = make_agency(province, "Ủy ban nhân dân tỉnh Thử Nghiệm", "UBND tỉnh", code="ubnd")
    health = make_agency(province, "Sở Y tế", "SYT", code="so-y-te")
    make_agency(province, "Sở Văn hóa, Thể thao và Du lịch", "Sở VHTTDL", code="so-vhttdl")
    make_agency(province, "Hội Liên hiệp Phụ nữ tỉnh", "Hội LHPN tỉnh", code="hoi-lhpn")
    commune_agency = make_agency(commune, "Phòng Văn hóa - Xã hội", "Phòng VH-XH", code="phong-vh-xh")

    superuser = make_user("fuzz.quantri", ubnd, Role.ADMIN, is_superuser=True, is_staff=True)
    coordinator = make_user("fuzz.noivu", standing, Role.COORDINATOR, full_name="Nguyễn Thị Hà")
    focal = make_user("fuzz.xa", commune_agency, Role.FOCAL_POINT, full_name="Võ Thị Lan")
    make_user("fuzz.yte", health, Role.FOCAL_POINT)

    legal = LegalDocument.objects.create(
        kind=DocumentKind.RESOLUTION,
        number="28/NQ-CP",
        issue_date=dt.date(2021, 3, 3),
        issuer="Chính phủ",
        subject="Ban hành Chiến lược quốc gia về bình đẳng giới giai đoạn 2021 - 2030",
    )
    LegalDocument.objects.create(
        kind=DocumentKind.LAW,
        number="73/2006/QH11",
        issue_date=dt.date(2006, 11, 29),
        issuer="Quốc hội",
        subject="Luật Bình đẳng giới",
    )

    draft = make_plan(province, standing, created_by=coordinator)
    draft.legal_bases.set([legal])
    draft_section = make_section(draft, "I", "MỤC ĐÍCH, YÊU CẦU")
    make_section(draft, "II", "NHIỆM VỤ")
    draft_task = make_task(draft, lead=health, section=draft_section, partners=[standing])
    make_task(draft, "Tổng hợp, báo cáo kết quả", lead=standing, section=draft_section)
    deleted = make_task(draft, "Nhiệm vụ đã xóa", lead=health, section=draft_section)
    deleted_pk = deleted.pk
    trash.delete_task(deleted, user=coordinator)  # something in the trash to restore

    issued = make_plan(
        province,
        ubnd,
        number="45/KH-UBND",
        issue_date=dt.date(2026, 3, 2),
        status=PlanStatus.ISSUED,
        subject="Thực hiện Tháng hành động vì bình đẳng giới năm 2026",
    )
    issued_section = make_section(issued, "1", "Truyền thông")
    issued_task = make_task(issued, lead=standing, section=issued_section, partners=[health])
    make_task(issued, "Kiểm tra việc thực hiện", lead=health, section=issued_section)
    record_progress(
        issued_task,
        coordinator,
        note="Đã tổ chức hội nghị triển khai.",
        progress=40,
        files=[SimpleUploadedFile("bao-cao.txt", "Báo cáo kết quả.\n".encode(), "text/plain")],
    )
    for person in (superuser, coordinator):
        Notification.objects.create(
            user=person,
            key=f"fuzz-{person.pk}",
            title="Nhiệm vụ sắp đến hạn",
            url=f"/tasks/{issued_task.pk}/",
        )
        CalendarFeed.objects.create(user=person, agency=standing)

    form = make_form()
    put(form.people, commune, form.last_period, 120, "female")
    put(form.households, commune, form.open_period, 30)
    indicator = local.create_local_indicator(
        province,
        "93-01",
        IndicatorKind.PERCENTAGE,
        ["sex"],
        {"name": "Tỷ lệ nữ trưởng thôn", "periodicity": Periodicity.YEAR},
    )
    target = Target.objects.create(
        indicator=indicator, org_unit=province, year=2030, comparator=Comparator.AT_LEAST, value=40
    )

    data = SMALL_PLAN.encode()
    imported = ImportedDocument(
        org_unit=province,
        uploaded_by=coordinator,
        original_name="ke-hoach-ngan.txt",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    imported.file.save("ke-hoach-ngan.txt", ContentFile(data), save=False)
    imported.save()
    imports.read(imported)

    return FuzzWorld(
        province=province,
        commune=commune,
        standing=standing,
        ubnd=ubnd,
        health=health,
        commune_agency=commune_agency,
        superuser=superuser,
        coordinator=coordinator,
        focal=focal,
        legal=legal,
        draft=draft,
        draft_section=draft_section,
        draft_task=draft_task,
        issued=issued,
        issued_task=issued_task,
        form=form,
        local_indicator=indicator,
        target=target,
        imported=imported,
        membership=Membership.objects.get(user=focal),
        extra={"deleted_task": deleted_pk},
    )


def grid_kwargs(world: FuzzWorld) -> dict[str, Any]:
    return {"dataset": world.form.dataset.code, "unit": world.commune.pk, "period": world.form.open_period}


def _redirect(response: Any) -> ResolverMatch | None:
    if response.status_code != 302:
        return None
    try:
        return resolve(urlsplit(response["Location"]).path)
    except Resolver404:
        return None


def hold_excel_upload(world: FuzzWorld, client: Client) -> str | None:
    """Upload a filled-in template with ``client`` (the token lives in its session); the preview token."""
    kwargs = grid_kwargs(world)
    template = client.get(reverse("indicators:excel-template", kwargs=kwargs))
    if template.status_code != 200:
        return None
    book = load_workbook(io.BytesIO(template.content))
    sheet = book.worksheets[0]
    codes = {sheet.cell(excel.CODE_ROW, c).value: c for c in range(1, sheet.max_column + 1)}
    for row in range(excel.FIRST_ROW, sheet.max_row + 1):
        if sheet.cell(row, 3).value:
            for code in ("female", "default"):
                if code in codes:
                    sheet.cell(row, codes[code]).value = 7
    buffer = io.BytesIO()
    book.save(buffer)
    response = client.post(
        reverse("indicators:excel-upload", kwargs=kwargs),
        {"file": SimpleUploadedFile("bieu.xlsx", buffer.getvalue())},
    )
    match = _redirect(response)
    return match.kwargs["token"] if match and match.url_name == "excel-preview" else None


def hold_catalog_upload(client: Client) -> str | None:
    """Upload the sample circular (read by the immediate job); the preview token, if this person loads."""
    from gemis.indicators.tests import annex_samples

    response = client.post(
        reverse("indicators:catalog-import"),
        {"file": SimpleUploadedFile("thong-tu.docx", annex_samples.sample_docx())},
    )
    match = _redirect(response)
    if match is None or match.url_name != "job-detail":
        return None
    job = BackgroundJob.objects.filter(pk=match.kwargs["pk"]).first()
    if job is None or not job.result_url:
        return None
    return job.result_url.rstrip("/").rsplit("/", 1)[-1]
