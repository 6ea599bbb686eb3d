"""Demo plans: a provincial annual plan, the Committee's work programme, and cascades.

The texts are written for GEMIS in the style of provincial documents (they are
not copies of real ones). Deadlines cover every shape GEMIS understands; some
tasks are done, some in progress, some overdue relative to the day the demo is
built. Running the demo again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gemis.legal.models import DocumentKind, LegalDocument
from gemis.orgs import access
from gemis.orgs.access import Action
from gemis.orgs.demo import unit_slug
from gemis.orgs.models import Agency, OrgUnit, Scheme, Tier, User
from gemis.plans import actions, handdown, notify, occurrences
from gemis.plans import cascade as cascading
from gemis.plans.models import Plan, PlanKind, PlanSection, PlanStatus, Task, TaskStatus
from gemis.plans.progress import record_progress
from gemis.plans.task_rules import set_deadline
from gemis.vn.deadlines import parse_deadline

BUDGET = (
    "Tổng kinh phí dự kiến: 1.250.000.000 đồng, trong đó ngân sách tỉnh 950.000.000 đồng (Sở Nội vụ "
    "620.000.000 đồng; các sở, ngành 330.000.000 đồng) và nguồn vận động hợp pháp khác 300.000.000 đồng."
)

LEGAL_BASES = [
    (DocumentKind.LAW, "73/2006/QH11", dt.date(2006, 11, 29), "Quốc hội", "Luật Bình đẳng giới"),
    (
        DocumentKind.RESOLUTION,
        "28/NQ-CP",
        dt.date(2021, 3, 3),
        "Chính phủ",
        "Ban hành Chiến lược quốc gia về bình đẳng giới giai đoạn 2021 - 2030",
    ),
    (
        DocumentKind.DECREE,
        "125/2021/NĐ-CP",
        dt.date(2021, 12, 28),
        "Chính phủ",
        "Quy định xử phạt vi phạm hành chính về bình đẳng giới",
    ),
]


@dataclass
class DemoTask:
    text: str
    lead: str | None
    deadline: str
    partners: tuple[str, ...] = ()
    to_communes: bool = False
    progress: int = 0
    note: str = ""


@dataclass
class DemoSection:
    number: str
    title: str
    body: str = ""
    tasks: list[DemoTask] = field(default_factory=list)
    children: list[DemoSection] = field(default_factory=list)


ANNUAL_PLAN = [
    DemoSection(
        "I",
        "MỤC ĐÍCH, YÊU CẦU",
        body=(
            "1. Triển khai đồng bộ các mục tiêu, chỉ tiêu bình đẳng giới năm 2026 của tỉnh; nâng cao nhận thức, "
            "thay đổi hành vi về bình đẳng giới trong cán bộ, công chức và Nhân dân.\n"
            "2. Xác định rõ trách nhiệm của từng cơ quan, đơn vị; bảo đảm lồng ghép giới trong xây dựng và thực "
            "hiện chính sách; theo dõi, đánh giá kết quả bằng số liệu có phân tách giới tính."
        ),
    ),
    DemoSection(
        "II",
        "NHIỆM VỤ, GIẢI PHÁP",
        children=[
            DemoSection(
                "1",
                "Công tác chỉ đạo, điều hành",
                tasks=[
                    DemoTask(
                        "Ban hành văn bản hướng dẫn các xã, phường, đặc khu xây dựng kế hoạch bình đẳng giới năm 2026.",
                        "so-noi-vu",
                        "trước ngày 15/3/2026",
                        progress=100,
                        note="Đã ban hành Công văn hướng dẫn gửi 96 xã, phường, đặc khu.",
                    ),
                    DemoTask(
                        "Xây dựng và ban hành kế hoạch thực hiện công tác bình đẳng giới năm 2026 của địa phương.",
                        None,
                        "trong tháng 4/2026",
                        to_communes=True,
                    ),
                    DemoTask(
                        "Rà soát, kiện toàn Ban vì sự tiến bộ của phụ nữ tỉnh và quy chế làm việc.",
                        "so-noi-vu",
                        "quý II/2026",
                        partners=("van-phong-ubnd",),
                        progress=100,
                        note="Đã trình UBND tỉnh kiện toàn.",
                    ),
                    DemoTask(
                        "Theo dõi, đôn đốc các sở, ngành, địa phương thực hiện kế hoạch; tổng hợp báo cáo UBND tỉnh.",
                        "so-noi-vu",
                        "thường xuyên trong năm",
                        progress=60,
                        note="Đã đôn đốc bằng văn bản hai lần trong năm.",
                    ),
                ],
            ),
            DemoSection(
                "2",
                "Truyền thông nâng cao nhận thức về bình đẳng giới",
                tasks=[
                    DemoTask(
                        "Xây dựng chuyên trang, chuyên mục về bình đẳng giới trên báo in, báo điện tử và phát thanh, "
                        "truyền hình của tỉnh.",
                        "bao-ptth",
                        "hằng tháng",
                        partners=("so-vhttdl",),
                        progress=70,
                        note="Đã phát sóng 10 chuyên mục.",
                    ),
                    DemoTask(
                        "Tổ chức các hoạt động hưởng ứng Tháng hành động vì bình đẳng giới và phòng ngừa, ứng phó với "
                        "bạo lực trên cơ sở giới năm 2026.",
                        "so-noi-vu",
                        "từ ngày 15/11 đến ngày 15/12/2026",
                        partners=("hoi-lhpn", "doan-tn", "ldld", "bao-ptth"),
                        progress=30,
                        note="Đã tổ chức lễ phát động cấp tỉnh ngày 16/11.",
                    ),
                    DemoTask(
                        "Hưởng ứng Tháng hành động tại cơ sở: treo băng rôn, khẩu hiệu, tuyên truyền trên hệ thống "
                        "loa truyền thanh.",
                        None,
                        "từ 15/11 đến 15/12/2026",
                        to_communes=True,
                    ),
                    DemoTask(
                        "Phổ biến, giáo dục pháp luật về bình đẳng giới cho cán bộ, công chức và Nhân dân.",
                        "so-tu-phap",
                        "trong quý III/2026",
                        partners=("so-noi-vu",),
                        progress=40,
                        note="Đã in 5.000 tờ gấp.",
                    ),
                    DemoTask(
                        "Truyền thông về bình đẳng giới trong trường học; lồng ghép nội dung giới vào hoạt động ngoại "
                        "khóa.",
                        "so-gddt",
                        "trước ngày 30/9/2026",
                        progress=20,
                        note="Đang xây dựng tài liệu.",
                    ),
                ],
            ),
            DemoSection(
                "3",
                "Thực hiện các mục tiêu của Chiến lược quốc gia về bình đẳng giới",
                tasks=[
                    DemoTask(
                        "Triển khai các giải pháp giảm thiểu mất cân bằng giới tính khi sinh; tăng cường kiểm tra, xử "
                        "lý việc lựa chọn giới tính thai nhi.",
                        "so-y-te",
                        "định kỳ 6 tháng",
                        partners=("so-vhttdl", "hoi-lhpn"),
                        progress=50,
                        note="Báo cáo 6 tháng đầu năm đã gửi.",
                    ),
                    DemoTask(
                        "Nhân rộng mô hình địa chỉ tin cậy và nhà tạm lánh cho người bị bạo lực trên cơ sở giới.",
                        "hoi-lhpn",
                        "trong tháng 10/2026",
                        partners=("cong-an", "so-y-te"),
                        progress=60,
                        note="Đã thành lập thêm 6 địa chỉ tin cậy.",
                    ),
                    DemoTask(
                        "Tập huấn kỹ năng cho nữ cán bộ nguồn, nữ đại biểu dân cử.",
                        "so-noi-vu",
                        "trước ngày 31/8/2026",
                        partners=("hoi-lhpn",),
                    ),
                    DemoTask(
                        "Hỗ trợ phụ nữ khởi nghiệp, doanh nghiệp do phụ nữ làm chủ tiếp cận vốn và chuyển đổi số.",
                        "so-tai-chinh",
                        "quý IV/2026",
                        partners=("nhcsxh", "hoi-lhpn", "so-khcn"),
                        progress=10,
                        note="Đang khảo sát nhu cầu.",
                    ),
                    DemoTask(
                        "Thu thập, tổng hợp số liệu thống kê phát triển giới của tỉnh.",
                        "thong-ke",
                        "hằng năm",
                        partners=("so-noi-vu",),
                    ),
                    DemoTask(
                        "Điều tra, xác minh và xử lý các vụ bạo lực gia đình, mua bán người; thống kê số liệu theo "
                        "giới tính.",
                        "cong-an",
                        "định kỳ hằng quý",
                        partners=("so-vhttdl",),
                        progress=75,
                        note="Đã báo cáo quý I, II, III.",
                    ),
                ],
            ),
            DemoSection(
                "4",
                "Kiểm tra, giám sát",
                tasks=[
                    DemoTask(
                        "Kiểm tra việc thực hiện pháp luật về bình đẳng giới tại một số sở, ngành và địa phương.",
                        "thanh-tra",
                        "sau khi có hướng dẫn của Bộ Nội vụ",
                        partners=("so-noi-vu",),
                    ),
                    DemoTask(
                        "Giám sát việc thực hiện chính sách bình đẳng giới tại cơ sở.",
                        "ubmttq",
                        "trước kỳ họp cuối năm của Hội đồng nhân dân tỉnh",
                        partners=("hoi-lhpn",),
                    ),
                ],
            ),
        ],
    ),
    DemoSection(
        "III",
        "KINH PHÍ THỰC HIỆN",
        body=(
            "Kinh phí thực hiện Kế hoạch được bố trí trong dự toán ngân sách năm 2026 của các cơ quan, đơn vị theo "
            "phân cấp ngân sách hiện hành, lồng ghép trong các chương trình, đề án và huy động nguồn hợp pháp khác."
        ),
    ),
    DemoSection(
        "IV",
        "TỔ CHỨC THỰC HIỆN",
        body=(
            "Sở Nội vụ là cơ quan thường trực, chủ trì theo dõi, đôn đốc và tổng hợp kết quả. Các sở, ban, ngành, "
            "UBND các xã, phường, đặc khu báo cáo kết quả 6 tháng trước ngày 15/5/2026 và báo cáo năm trước ngày "
            "15/11/2026 về Sở Nội vụ."
        ),
        tasks=[
            DemoTask(
                "Báo cáo kết quả thực hiện công tác bình đẳng giới 6 tháng và năm gửi Sở Nội vụ.",
                None,
                "trước ngày 15/11/2026",
                to_communes=True,
            ),
            DemoTask(
                "Tổng hợp, báo cáo UBND tỉnh và Bộ Nội vụ kết quả thực hiện năm 2026.",
                "so-noi-vu",
                "trước ngày 15/12/2026",
            ),
        ],
    ),
]

WORK_PROGRAMME = [
    DemoSection(
        "",
        "",
        tasks=[
            DemoTask(
                "Tham mưu sơ kết giữa kỳ việc thực hiện Chiến lược quốc gia về bình đẳng giới trên địa bàn tỉnh.",
                "so-noi-vu",
                "trong tháng 6/2026",
                progress=100,
                note="Hội nghị sơ kết tổ chức ngày 24/6/2026.",
            ),
            DemoTask(
                "Tổ chức diễn đàn trẻ em gái với chủ đề phòng, chống xâm hại và bạo lực trên cơ sở giới.",
                "doan-tn",
                "trước ngày 1/6/2026",
                partners=("so-gddt",),
                progress=100,
                note="Đã tổ chức với 300 học sinh tham gia.",
            ),
            DemoTask(
                "Rà soát tỷ lệ nữ lãnh đạo chủ chốt trong các cơ quan nhà nước và chính quyền địa phương.",
                "so-noi-vu",
                "trong quý III/2026",
                progress=50,
                note="Đã tổng hợp số liệu 20 sở, ngành.",
            ),
            DemoTask(
                "Truyền thông về chăm sóc sức khỏe sinh sản và dinh dưỡng cho phụ nữ dân tộc thiểu số.",
                "so-y-te",
                "từ tháng 3 đến tháng 9/2026",
                partners=("so-dttg",),
                progress=80,
                note="Đã thực hiện tại 12 xã miền núi.",
            ),
            DemoTask(
                "Tập huấn nghiệp vụ bình đẳng giới cho thành viên Ban vì sự tiến bộ của phụ nữ các cấp.",
                "so-noi-vu",
                "trước ngày 25/11/2026",
                partners=("hoi-lhpn",),
                progress=40,
                note="Đã xây dựng chương trình tập huấn.",
            ),
            DemoTask(
                "Phối hợp cung cấp dịch vụ trợ giúp pháp lý miễn phí cho phụ nữ bị bạo lực.",
                "so-tu-phap",
                "thường xuyên",
                partners=("hoi-lhpn",),
                progress=50,
                note="Đã trợ giúp 14 vụ việc.",
            ),
            DemoTask(
                "Kiểm tra hoạt động vì sự tiến bộ của phụ nữ tại các cơ quan thành viên.",
                "so-noi-vu",
                "trong tháng 10/2026",
            ),
            DemoTask(
                "Duy trì chuyên mục bình đẳng giới trên Cổng thông tin điện tử của tỉnh.",
                "van-phong-ubnd",
                "",
            ),
        ],
    ),
]

LEGACY_PLAN = [
    DemoSection(
        "I",
        "NHIỆM VỤ TRỌNG TÂM",
        tasks=[
            DemoTask(
                "Xây dựng kế hoạch hưởng ứng Tháng hành động vì bình đẳng giới năm 2024 ở cấp huyện.",
                None,
                "trước ngày 5/11/2024",
                to_communes=True,
            ),
            DemoTask(
                "Tuyên truyền Luật Bình đẳng giới và Luật Phòng, chống bạo lực gia đình năm 2022.",
                None,
                "thường xuyên trong năm",
                to_communes=True,
            ),
            DemoTask(
                "Tổng hợp số liệu bình đẳng giới năm 2024 gửi Sở Lao động - Thương binh và Xã hội.",
                None,
                "trước ngày 20/11/2024",
                to_communes=True,
            ),
        ],
    ),
]


def _agency(unit: OrgUnit, code: str | None) -> Agency | None:
    return Agency.objects.filter(org_unit=unit, code=code).first() if code else None


def _legal_bases() -> list[LegalDocument]:
    documents = []
    for kind, number, date, issuer, subject in LEGAL_BASES:
        document = LegalDocument.objects.filter(number=number, issue_date=date).first()
        if document is None:
            document = LegalDocument.objects.create(
                kind=kind, number=number, issue_date=date, issuer=issuer, subject=subject
            )
        documents.append(document)
    return documents


def _build_plan(
    unit: OrgUnit, sections: list[DemoSection], *, children_tier: str, **fields
) -> tuple[Plan, list]:
    plan = Plan.objects.create(org_unit=unit, **fields)
    plan.legal_bases.set(_legal_bases())
    children = list(OrgUnit.objects.filter(parent=unit, tier=children_tier).order_by("code"))
    with_progress: list[tuple[Task, DemoTask]] = []
    counter = {"section": 0, "task": 0}

    def add(section: DemoSection, parent: PlanSection | None) -> None:
        counter["section"] += 1
        node = None
        if section.number or section.title:
            node = PlanSection.objects.create(
                plan=plan,
                parent=parent,
                number=section.number,
                title=section.title,
                body=section.body,
                order=counter["section"],
            )
        for item in section.tasks:
            counter["task"] += 1
            task = Task(
                plan=plan,
                section=node,
                order=counter["task"],
                text=item.text,
                lead_agency=_agency(unit, item.lead),
            )
            if item.to_communes:
                task.addressed_text = (
                    "UBND các xã, phường, đặc khu"
                    if unit.scheme == Scheme.CURRENT
                    else "UBND các huyện, thành phố"
                )
            set_deadline(task, parse_deadline(item.deadline, plan.period_start))
            task.save()
            task.partners.set([a for a in (_agency(unit, code) for code in item.partners) if a])
            if item.to_communes:
                task.addressed_units.set(children)
            if item.progress:
                with_progress.append((task, item))
        for child in section.children:
            add(child, node)

    for section in sections:
        add(section, None)
    return plan, with_progress


def _record(pairs: list, author: User) -> None:
    for task, item in pairs:
        record_progress(task, author, note=item.note or "Đang triển khai.", progress=item.progress)


def _settle_past_periods(plan: Plan) -> None:
    """The demo's recurring tasks were reported period by period, on time, up to last month."""
    cutoff = timezone.localdate() - dt.timedelta(days=30)
    for task in plan.tasks.filter(occurrences__isnull=False).distinct():
        task.occurrences.filter(due_date__lt=cutoff).update(
            status=TaskStatus.DONE, progress=100, done_on=F("due_date")
        )
        occurrences.summarise(task, list(occurrences.of(task)))
        task.save(update_fields=["due_date", "progress", "status", "last_done_on"])


#: (commune, progress, what the commune reported) on its share of the Action Month at the grassroots
SHARE_REPORTS = (
    ("Cẩm Thành", 60, "Đã treo 12 băng rôn, phát thanh 8 buổi trên loa truyền thanh phường."),
    ("Trương Quang Trọng", 100, "Đã hoàn thành: 20 băng rôn, 2 buổi nói chuyện chuyên đề tại khu dân cư."),
    ("Nghĩa Lộ", 30, "Đang triển khai tuyên truyền tại các tổ dân phố."),
)


def _report_on_shares(plan: Plan, coordinator: User) -> None:
    addressed = plan.tasks.filter(
        assigned_unit__isnull=True, text__startswith="Hưởng ứng Tháng hành động tại cơ sở"
    ).first()
    if addressed is None:
        return
    commune_officer = User.objects.get(username="vhxh.xa")
    for name, progress, note in SHARE_REPORTS:
        share = addressed.child_tasks.filter(assigned_unit__short_name=name).first()
        if share is None:
            continue
        author = commune_officer if access.may(commune_officer, Action.CHANGE, share) else coordinator
        record_progress(share, author, note=note, progress=progress)


def _report_file() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "bao-cao-ket-qua.txt", "Báo cáo kết quả thực hiện (tài liệu trình diễn).\n".encode(), "text/plain"
    )


@transaction.atomic
def build(ctx) -> None:
    province: OrgUnit = ctx.province
    if Plan.objects.filter(org_unit=province, number="45/KH-UBND").exists():
        return
    coordinator = User.objects.get(username="noivu")
    plan, progress = _build_plan(
        province,
        ANNUAL_PLAN,
        children_tier=Tier.COMMUNE,
        kind=PlanKind.PLAN,
        number="45/KH-UBND",
        issuing_agency=_agency(province, "ubnd"),
        signer="Trần Văn Minh",
        signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        place=province.short_name,
        issue_date=dt.date(2026, 2, 10),
        period_start=2026,
        period_end=2026,
        subject="Thực hiện công tác bình đẳng giới và vì sự tiến bộ của phụ nữ năm 2026",
        status=PlanStatus.ISSUED,
        budget=BUDGET,
        created_by=coordinator,
        issued_by=User.objects.get(username="lanhdao"),
    )
    actions.start_follow_up(plan)
    _settle_past_periods(plan)
    _record(progress, coordinator)
    # Issuing hands every commune its share of the tasks addressed to them; three have reported.
    handdown.hand_down(plan)
    _report_on_shares(plan, coordinator)
    programme, progress = _build_plan(
        province,
        WORK_PROGRAMME,
        children_tier=Tier.COMMUNE,
        kind=PlanKind.WORK_PROGRAMME,
        number="08/CTr-BVSTBPN",
        issuing_agency=_agency(province, "ban-vstbcpn"),
        signer="Trần Văn Minh",
        signer_title="TRƯỞNG BAN",
        place=province.short_name,
        issue_date=dt.date(2026, 3, 2),
        period_start=2026,
        period_end=2026,
        status=PlanStatus.ISSUED,
        created_by=coordinator,
        subject="Chương trình công tác năm 2026 của Ban vì sự tiến bộ của phụ nữ tỉnh",
    )
    actions.start_follow_up(plan)
    _settle_past_periods(plan)
    _record(progress, coordinator)
    handdown.hand_down(plan)
    # The first progress report of the Action Month carries a file, as officers attach their reports.
    action_month = plan.tasks.get(text__startswith="Tổ chức các hoạt động hưởng ứng Tháng hành động")
    record_progress(
        action_month, coordinator, note="Gửi kèm báo cáo nhanh tuần đầu.", progress=35, files=[_report_file()]
    )

    # A commune builds its own plan from the province's (cascade), and reports on one task.
    commune = OrgUnit.objects.filter(parent=province, tier=Tier.COMMUNE, short_name="Cẩm Thành").first()
    if commune is not None:
        child, _created = cascading.cascade(plan, commune, None, User.objects.get(username="vhxh.xa"))
        child.number, child.issue_date, child.status = "112/KH-UBND", dt.date(2026, 4, 20), PlanStatus.ISSUED
        child.signer, child.signer_title = "Nguyễn Văn Bình", "CHỦ TỊCH"
        child.save()
        first = child.tasks.order_by("order").first()
        record_progress(
            first,
            User.objects.get(username="vhxh.xa"),
            note="UBND phường đã ban hành kế hoạch năm 2026.",
            progress=100,
        )

    # History: a 2024 plan of a former province, cascaded to one of its districts.
    for legacy in ctx.legacy_provinces:
        district = OrgUnit.objects.filter(parent=legacy, tier=Tier.DISTRICT, short_name="Đăk Hà").first()
        if district is None:
            continue
        old_plan, _ = _build_plan(
            legacy,
            LEGACY_PLAN,
            children_tier=Tier.DISTRICT,
            kind=PlanKind.PLAN,
            number="3120/KH-UBND",
            issuing_agency=_agency(legacy, "ubnd"),
            signer="Lê Thị Hoa",
            signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
            place=legacy.short_name,
            issue_date=dt.date(2024, 10, 15),
            period_start=2024,
            period_end=2024,
            subject="Thực hiện công tác bình đẳng giới năm 2024",
            status=PlanStatus.ISSUED,
        )
        district_plan, _ = cascading.cascade(old_plan, district, None, None)
        district_plan.number, district_plan.issue_date = "245/KH-UBND", dt.date(2024, 10, 28)
        # Progress is recorded while the plan is issued (plans/progress.py), then the year is closed.
        district_plan.status = PlanStatus.ISSUED
        district_plan.save()
        for task in district_plan.tasks.all():
            record_progress(
                task,
                User.objects.get(username=f"ldtbxh.{unit_slug(legacy)}.huyen"),
                note="Đã hoàn thành.",
                progress=100,
                status=TaskStatus.DONE,
            )
        district_plan.refresh_from_db()
        district_plan.status = PlanStatus.CLOSED
        district_plan.save()
        old_plan.status = PlanStatus.CLOSED
        old_plan.save()
    # The bell has content from the first sign-in: what issuing these plans told each agency.
    for issued in Plan.objects.filter(status=PlanStatus.ISSUED, org_unit__path__startswith=province.path):
        notify.tell_issued(issued.pk)
    ctx.extra["annual_plan"] = plan
