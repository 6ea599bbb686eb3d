"""The plan as its official document (Nghị định 30/2020, Annex I): header, date line, bases, outline."""

from __future__ import annotations

import datetime as dt

import pytest

from gemis.legal.models import DocumentKind, LegalDocument
from gemis.orgs.testing import make_agency
from gemis.plans import document
from gemis.plans.testing import make_plan, make_section, make_task

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "number,label", [("I", "I."), ("1", "1."), ("a", "a)"), ("-", "-"), ("2.", "2."), ("b)", "b)"), ("", "")]
)
def test_section_label(number, label):
    assert document.section_label(number) == label


def test_date_line_writes_leading_zeros_as_the_decree_says():
    assert document.date_line_parts(dt.date(2026, 2, 5)) == ("05", "02", "2026")
    assert document.date_line_parts(dt.date(2026, 11, 15)) == ("15", "11", "2026")
    assert document.date_line_parts(None) == ("…", "…", "…")


def test_a_department_sits_under_its_peoples_committee(world):
    health = make_agency(world.province, f"Sở Y tế {world.province.name}")
    plan = make_plan(world.province, health)
    assert document.issuing_body_lines(plan) == (f"UBND {world.province.name}".upper(), "SỞ Y TẾ")


def test_the_peoples_committee_has_nothing_above_it(world):
    committee = make_agency(world.province, f"Ủy ban nhân dân {world.province.name}")
    plan = make_plan(world.province, committee)
    assert document.issuing_body_lines(plan) == ("", committee.name.upper())


def test_the_whole_document(world):
    plan = make_plan(world.province, world.province_agency, signer_title="KT. CHỦ TỊCH/PHÓ CHỦ TỊCH")
    plan.legal_bases.add(
        LegalDocument.objects.create(
            kind=DocumentKind.RESOLUTION,
            number="28/NQ-CP",
            issue_date=dt.date(2021, 3, 3),
            issuer="Chính phủ",
            subject="Ban hành Chiến lược quốc gia về bình đẳng giới.",
        )
    )
    top = make_section(plan, "I", "NHIỆM VỤ")
    inner = make_section(plan, "1", "Truyền thông", parent=top)
    task = make_task(plan, section=inner, lead=world.district_a_agency, addressed_units=[world.commune_a])
    loose = make_task(plan, "Việc chung", lead=world.district_a_agency)
    doc = document.plan_document(plan, list(plan.sections.all()), [task, loose])
    assert doc.basis_lines == [
        "Căn cứ Nghị quyết số 28/NQ-CP ngày 03/03/2021 của Chính phủ"
        " ban hành Chiến lược quốc gia về bình đẳng giới;"
    ]
    assert [(e.label, e.depth, e.tasks) for e in doc.outline] == [
        ("I.", 0, []),
        ("1.", 1, [task]),
        ("", 0, [loose]),
    ]
    assert doc.signer_lines == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert doc.recipients == [world.district_a_agency.name, world.commune_a.name]
    assert doc.date_year == "2026" and doc.date_day == "…"  # a draft has no date yet
