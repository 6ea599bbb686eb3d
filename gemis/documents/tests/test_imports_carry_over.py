# ruff: noqa: E501 - Vietnamese plan text is kept one sentence a line
"""Issue 12 item 10: what a pasted document says reaches the draft plan, or is listed as not carried over.

The texts are our own, written the way communes and portals write them.
"""

from __future__ import annotations

import datetime as dt

import pytest

from gemis.documents import imports
from gemis.documents.models import ImportedDocument
from gemis.legal.models import DocumentKind, LegalDocument
from gemis.orgs.testing import make_agency

pytestmark = pytest.mark.django_db

COMMUNE_PLAN = """ỦY BAN NHÂN DÂN
XÃ HÒA LẠC
Số: 45/KH-UBND
Hòa Lạc, ngày 05 tháng 3 năm 2026
KẾ HOẠCH
Thực hiện công tác bình đẳng giới trên địa bàn xã năm 2026
Căn cứ Luật Bình đẳng giới năm 2006;
Căn cứ Kế hoạch số 120/KH-UBND ngày 20/01/2026 của UBND tỉnh về công tác bình đẳng giới năm 2026;
Căn cứ tình hình thực tế của địa phương, Ủy ban nhân dân xã ban hành Kế hoạch như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Nâng cao nhận thức của cán bộ và người dân về bình đẳng giới.
2. Yêu cầu
Các ban, ngành, đoàn thể xã phối hợp chặt chẽ, triển khai đúng tiến độ.
II. NỘI DUNG
1. Tổ chức tuyên truyền Luật Bình đẳng giới trên hệ thống loa truyền thanh xã. Phòng Văn hóa - Xã hội chủ trì, phối hợp với Đoàn Thanh niên xã thực hiện; thời gian: trong quý II/2026.
2. Tổ chức Tháng hành động vì bình đẳng giới và phòng ngừa, ứng phó với bạo lực trên cơ sở giới. Hội Liên hiệp Phụ nữ xã chủ trì, phối hợp với Đoàn Thanh niên xã thực hiện; thời gian: từ 15/11 đến 15/12/2026.
3. Rà soát số liệu về bình đẳng giới trên địa bàn xã. Phòng Văn hóa - Xã hội chủ trì; thời gian: trước ngày 30/6/2026.
III. TỔ CHỨC THỰC HIỆN
Phòng Văn hóa - Xã hội là cơ quan thường trực, theo dõi, đôn đốc việc thực hiện Kế hoạch này, báo cáo kết quả về UBND xã trước ngày 15/12/2026.
Nơi nhận:
- UBND tỉnh;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Thị Lan
"""

PORTAL_NEWS = """Thử Nghiệm: Triển khai Tháng hành động vì bình đẳng giới năm 2026
Thứ hai - 12/10/2026 08:30
Ngày 08/10/2026, UBND tỉnh ban hành Công văn số 3456/UBND-KGVX về việc tổ chức Tháng hành động vì bình đẳng giới năm 2026.
Theo đó, UBND tỉnh yêu cầu các sở, ban, ngành, đoàn thể tỉnh xây dựng kế hoạch hưởng ứng Tháng hành động, hoàn thành trước ngày 10/11/2026. UBND tỉnh giao Sở Nội vụ chủ trì, phối hợp với Hội Liên hiệp Phụ nữ tỉnh tổ chức lễ phát động cấp tỉnh trước ngày 15/11/2026. Giao Sở Văn hóa, Thể thao và Du lịch chỉ đạo treo băng rôn, khẩu hiệu tuyên truyền trong thời gian từ 15/11 đến 15/12/2026.
Tác giả: Minh Anh
"""


@pytest.fixture
def commune(world):
    unit = world.commune_a
    return {
        "vhxh": make_agency(unit, "Phòng Văn hóa - Xã hội", "Phòng VHXH"),
        "phu_nu": make_agency(unit, "Hội Liên hiệp Phụ nữ xã Hòa Lạc", "Hội LHPN xã"),
    }


def pasted(world, unit, text: str) -> ImportedDocument:
    document = ImportedDocument.objects.create(
        org_unit=unit, uploaded_by=world.province_coordinator, pasted_text=text
    )
    imports.read(document)
    return document


@pytest.fixture
def commune_plan(world, commune, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return pasted(world, world.commune_a, COMMUNE_PLAN)


def accepted(world, document):
    plan, created = imports.accept(
        document, world.province_coordinator, imports.as_proposed(imports.propose(document))
    )
    assert created
    return plan


def test_the_unnumbered_basis_is_proposed_and_cited(world, commune_plan):
    proposal = imports.propose(commune_plan)
    by_title = {(r["number"], r["title"]) for r in proposal.references}
    assert by_title == {("120/KH-UBND", ""), ("", "Bình đẳng giới năm 2006")}
    plan = accepted(world, commune_plan)
    law = plan.legal_bases.get(number="")
    assert law.kind == DocumentKind.LAW and law.subject == "Bình đẳng giới năm 2006"
    assert plan.legal_bases.filter(number="120/KH-UBND").exists()


def test_the_same_unnumbered_basis_is_one_record(world, commune, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    accepted(world, pasted(world, world.commune_a, COMMUNE_PLAN))
    accepted(world, pasted(world, world.commune_a, COMMUNE_PLAN.replace("45/KH-UBND", "46/KH-UBND")))
    assert LegalDocument.objects.filter(number="", subject="Bình đẳng giới năm 2006").count() == 1


def test_a_ground_that_names_no_document_is_listed(commune_plan):
    grounds = [i for i in imports.propose(commune_plan).not_carried if i["kind"] == "ground"]
    assert [g["name"] for g in grounds] == ["tình hình thực tế của địa phương"]


def test_the_purpose_section_is_carried_over_with_its_text(world, commune_plan):
    plan = accepted(world, commune_plan)
    tops = list(plan.sections.filter(parent=None).order_by("order").values_list("number", "title"))
    assert tops == [("I", "MỤC ĐÍCH, YÊU CẦU"), ("II", "NỘI DUNG"), ("III", "TỔ CHỨC THỰC HIỆN")]
    purpose = plan.sections.get(parent__number="I", number="1")
    assert purpose.title == "Mục đích"
    assert purpose.body == "Nâng cao nhận thức của cán bộ và người dân về bình đẳng giới."
    # The numbered tasks are tasks of section II, not sections of their own.
    assert not plan.sections.filter(parent__number="II").exists()
    assert plan.tasks.filter(section__number="II").count() == 3


def test_the_signer_and_place_are_carried_over(world, commune_plan):
    plan = accepted(world, commune_plan)
    assert plan.signer == "Nguyễn Thị Lan"
    assert plan.signer_title == "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    assert plan.place == "Hòa Lạc"


def test_task_numbers_are_kept_on_the_accepted_plan(world, commune_plan):
    plan = accepted(world, commune_plan)
    texts = list(plan.tasks.filter(section__number="II").order_by("order").values_list("text", flat=True))
    assert [t[:3] for t in texts] == ["1. ", "2. ", "3. "]
    assert texts[0].startswith("1. Tổ chức tuyên truyền Luật Bình đẳng giới")


def test_a_number_is_not_written_twice():
    assert imports.numbered_text("1", "1. Tổ chức") == "1. Tổ chức"
    assert imports.numbered_text("b", "Tổ chức") == "b) Tổ chức"
    assert imports.numbered_text("", "Tổ chức") == "Tổ chức"


def test_an_unknown_partner_is_listed_and_kept_as_text(world, commune, commune_plan):
    proposal = imports.propose(commune_plan)
    lost = [i for i in proposal.not_carried if i["kind"] == "agency"]
    assert lost == [{"kind": "agency", "name": "Đoàn Thanh niên xã", "roles": ["partner"], "tasks": [1, 2]}]
    assert proposal.tasks[0]["partners_text"] == "Đoàn Thanh niên xã"
    plan = accepted(world, commune_plan)
    first = plan.tasks.get(text__startswith="1. ")
    assert first.lead_agency == commune["vhxh"] and not first.partners.exists()
    assert first.addressed_text == "phối hợp với Đoàn Thanh niên xã"


def test_a_portal_news_item_gives_tasks_with_lead_and_deadline(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    noi_vu = make_agency(world.province, "Sở Nội vụ", "SNV")
    phu_nu = make_agency(world.province, "Hội Liên hiệp Phụ nữ tỉnh", "Hội LHPN tỉnh")
    vhttdl = make_agency(world.province, "Sở Văn hóa, Thể thao và Du lịch", "Sở VHTTDL")
    plan = accepted(world, pasted(world, world.province, PORTAL_NEWS))
    assert plan.number == "3456/UBND-KGVX"
    tasks = list(plan.tasks.order_by("order"))
    assert len(tasks) == 3
    assert tasks[0].addressed_text == "các sở, ban, ngành, đoàn thể tỉnh"
    assert tasks[0].due_date == dt.date(2026, 11, 10)
    assert tasks[1].text.startswith("giao Sở Nội vụ chủ trì")
    assert tasks[1].lead_agency == noi_vu and list(tasks[1].partners.all()) == [phu_nu]
    assert tasks[1].due_date == dt.date(2026, 11, 15)
    assert tasks[2].lead_agency == vhttdl and tasks[2].due_date == dt.date(2026, 12, 15)


def test_many_bodies_kept_as_written_are_not_offered_as_agencies(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    proposal = imports.propose(pasted(world, world.province, PORTAL_NEWS))
    assert proposal.tasks[0]["addressed"] == "các sở, ban, ngành, đoàn thể tỉnh"
    assert "các sở, ban, ngành, đoàn thể tỉnh" not in {i["name"] for i in proposal.not_carried}
