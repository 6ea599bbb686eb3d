"""From a parsed document to a draft plan: the proposal, and accepting it (once)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gemis.documents import imports
from gemis.documents.models import ImportedDocument, ImportStatus
from gemis.legal.models import DocumentKind, LegalDocument
from gemis.legal.register import record_document
from gemis.orgs.testing import make_agency
from gemis.plans.models import Plan, PlanKind, ReportObligation, Task
from gemis.vn.deadlines import DeadlineKind
from gemis.vn.parser import ParseError

DEMO_FILES = Path(__file__).resolve().parents[1] / "demo_files"
ACTION_MONTH = DEMO_FILES / "ke-hoach-thang-hanh-dong-2026.txt"

pytestmark = pytest.mark.django_db


@pytest.fixture
def agencies(world):
    """The province's departments named in the sample document."""
    return {
        "noi_vu": make_agency(world.province, "Sở Nội vụ", "SNV"),
        "vhttdl": make_agency(world.province, "Sở Văn hóa, Thể thao và Du lịch", "Sở VHTTDL"),
        "tu_phap": make_agency(world.province, "Sở Tư pháp", "STP"),
        "cong_an": make_agency(world.province, "Công an tỉnh", "CA tỉnh"),
        "phu_nu": make_agency(world.province, "Hội Liên hiệp Phụ nữ tỉnh", "Hội LHPN tỉnh"),
        "y_te": make_agency(world.province, "Sở Y tế", "SYT"),
    }


@pytest.fixture
def imported(world, agencies, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = ImportedDocument.objects.create(
        org_unit=world.province,
        uploaded_by=world.province_coordinator,
        pasted_text=ACTION_MONTH.read_text("utf-8"),
    )
    imports.read(document)
    return document


def test_read_keeps_the_result(imported):
    assert imported.status == ImportStatus.READY
    assert imported.result["document"]["number"] == "2150/KH-SNV"
    assert imported.result["text"].startswith("ỦY BAN NHÂN DÂN")


def test_unreadable_input_leaves_nothing_behind(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = ImportedDocument.objects.create(
        org_unit=world.province, uploaded_by=world.province_coordinator, pasted_text=""
    )
    document.file.save("rong.txt", __import__("django.core.files.base").core.files.base.ContentFile(b""))
    assert list(tmp_path.rglob("*.txt"))
    with pytest.raises(ParseError) as refused:
        imports.read(document)
    assert "rỗng" in refused.value.message_vi
    assert not ImportedDocument.objects.exists() and not ImportedDocument.history.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_proposal_resolves_agencies_and_reads_the_plan(imported, agencies):
    proposal = imports.propose(imported)
    assert proposal.plan["number"] == "2150/KH-SNV"
    assert proposal.plan["kind"] == PlanKind.PLAN
    assert proposal.plan["issue_date"] == dt.date(2026, 10, 20)
    assert (proposal.plan["period_start"], proposal.plan["period_end"]) == (2026, 2026)
    first = proposal.tasks[0]
    assert first["lead"] == agencies["noi_vu"].pk
    assert set(first["partners"]) == {agencies["phu_nu"].pk, agencies["vhttdl"].pk}
    assert first["deadline_text"].startswith("trước ngày 15/11/2026")
    # "Ủy ban nhân dân các xã, phường" is many bodies: never the province's People's Committee.
    assert proposal.tasks[1]["partners"] == []
    numbers = [ref["number"] for ref in proposal.references]
    assert numbers == ["73/2006/QH11", "28/NQ-CP", "3120/BNV-CTTN&BĐG"]
    assert [ref["kind"] for ref in proposal.references] == [
        DocumentKind.LAW,
        DocumentKind.RESOLUTION,
        DocumentKind.OFFICIAL_LETTER,
    ]
    assert {r["due_date"] for r in proposal.reports} == {dt.date(2026, 12, 25), dt.date(2026, 12, 20)}


def test_accept_creates_the_draft_plan_with_everything(imported, agencies, world):
    existing, _ = record_document(
        kind=DocumentKind.RESOLUTION, number="28/NQ-CP", issue_date=dt.date(2021, 3, 3)
    )
    proposal = imports.propose(imported)
    proposal.tasks[2]["include"] = False  # the officer leaves one task out
    plan, created = imports.accept(imported, world.province_coordinator, imports.as_proposed(proposal))
    assert created and plan.status == "draft" and plan.org_unit == world.province
    assert plan.number == "2150/KH-SNV" and plan.created_by == world.province_coordinator
    tasks = list(plan.tasks.order_by("order"))
    assert len(tasks) == len(proposal.tasks) - 1
    assert tasks[0].lead_agency == agencies["noi_vu"]
    assert set(tasks[0].partners.all()) == {agencies["phu_nu"], agencies["vhttdl"]}
    assert tasks[0].due_date == dt.date(2026, 11, 15)
    assert tasks[1].deadline["kind"] == DeadlineKind.RANGE and tasks[1].due_date == dt.date(2026, 12, 15)
    assert tasks[0].section.number == "III" and tasks[0].section.title == "NỘI DUNG HOẠT ĐỘNG"
    implementation = [t for t in tasks if t.section and t.section.parent]
    assert implementation and implementation[0].section.parent.number == "V"
    # The document cited by many plans stays one record.
    assert plan.legal_bases.count() == 3 and existing in plan.legal_bases.all()
    assert LegalDocument.objects.filter(number_key="28/NQ-CP").count() == 1
    reports = list(plan.reports.order_by("order"))
    assert [r.due_date for r in reports] == [dt.date(2026, 12, 25), dt.date(2026, 12, 20)]
    imported.refresh_from_db()
    assert imported.plan == plan and imported.status == ImportStatus.ACCEPTED


def test_accepting_twice_does_not_duplicate(imported, agencies, world):
    proposal = imports.propose(imported)
    first, created = imports.accept(imported, world.province_coordinator, imports.as_proposed(proposal))
    again, created_again = imports.accept(imported, world.province_coordinator, imports.as_proposed(proposal))
    assert created and not created_again and first == again
    assert Plan.objects.count() == 1 and Task.objects.count() == first.tasks.count()
    assert ReportObligation.objects.count() == 2


@pytest.mark.parametrize(
    "subject,date,expected",
    [
        ("Thực hiện Chiến lược quốc gia về bình đẳng giới giai đoạn 2021 - 2025", None, (2021, 2025)),
        ("công tác bình đẳng giới năm 2020", None, (2020, 2020)),
        ("Tháng hành động vì bình đẳng giới", dt.date(2024, 10, 1), (2024, 2024)),
        ("giai đoạn 2030-2026 (lỗi đánh máy)", None, (2030, 2030)),
    ],
)
def test_period_of(subject, date, expected):
    assert imports.period_of(subject, date) == expected


@pytest.mark.parametrize(
    "kind,expected",
    [
        ("Kế hoạch", PlanKind.PLAN),
        ("Chương trình", PlanKind.WORK_PROGRAMME),
        ("Công văn", PlanKind.GUIDANCE_LETTER),
        ("CHƯƠNG TRÌNH CÔNG TÁC", PlanKind.WORK_PROGRAMME),
        ("", PlanKind.PLAN),
    ],
)
def test_plan_kind_of(kind, expected):
    assert imports.plan_kind_of(kind) == expected


def test_parse_iso():
    assert imports.parse_iso("2020-03-09") == dt.date(2020, 3, 9)
    assert imports.parse_iso("2024-04") == dt.date(2024, 4, 1)
    assert imports.parse_iso("2024-13-01") is None and imports.parse_iso(None) is None


def test_time_frames_lose_their_closing_punctuation(imported):
    # "Thời gian: trước ngày 15/11/2026." — the plan page writes its own full stop.
    assert all(not t["deadline_text"].endswith((".", ";", ",")) for t in imports.propose(imported).tasks)


def test_long_tasks_are_kept_whole(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    long_item = "Tổ chức tuyên truyền " + "về bình đẳng giới trong gia đình, cộng đồng, " * 12 + "hoàn thành."
    text = f"KẾ HOẠCH\nThực hiện năm 2026\n\nII. NHIỆM VỤ\n1. {long_item}\nThời gian: trong tháng 6/2026.\n"
    document = ImportedDocument.objects.create(
        org_unit=world.province, uploaded_by=world.province_coordinator, pasted_text=text
    )
    imports.read(document)
    proposal = imports.propose(document)
    assert len(long_item) > 400 and proposal.tasks[0]["text"].startswith("Tổ chức tuyên truyền")
    assert proposal.tasks[0]["text"].endswith("hoàn thành.")


def test_a_short_name_defined_in_the_text_resolves_to_its_agency(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    board = make_agency(world.province, "Ban vì sự tiến bộ của phụ nữ tỉnh Thử Nghiệm", "")
    text = (
        "KẾ HOẠCH\nCông tác năm 2026\n\n"
        "Căn cứ Quyết định số 12/QĐ-UBND ngày 05/01/2026 của Ủy ban nhân dân tỉnh về kiện toàn "
        "Ban vì sự tiến bộ của phụ nữ tỉnh Thử Nghiệm (sau đây gọi tắt là Ban VSTBPN tỉnh);\n\n"
        "II. NHIỆM VỤ\n1. Kiểm tra công tác vì sự tiến bộ của phụ nữ tại các huyện.\n"
        "Thực hiện: Ban VSTBPN tỉnh chủ trì.\nThời gian: quý III/2026.\n"
    )
    document = ImportedDocument.objects.create(
        org_unit=world.province, uploaded_by=world.province_coordinator, pasted_text=text
    )
    imports.read(document)
    task = imports.propose(document).tasks[0]
    assert document.result["tasks"][0]["lead"] == ["Ban VSTBPN tỉnh"]
    assert task["lead"] == board.pk


def test_the_outline_shows_every_part_of_the_document(imported):
    outline = imports.outline(imported.result)
    assert [(n["label"], n["title"]) for n in outline if n["depth"] == 0] == [
        ("I", "MỤC ĐÍCH, YÊU CẦU"),
        ("II", "CHỦ ĐỀ VÀ THỜI GIAN"),
        ("III", "NỘI DUNG HOẠT ĐỘNG"),
        ("IV", "KINH PHÍ"),
        ("V", "TỔ CHỨC THỰC HIỆN"),
    ]
    assert {"V.1", "V.3"} <= {n["path"] for n in outline}
    # A numbered task is a task, not a section of its own.
    assert "III.1" not in {n["path"] for n in outline}
