"""``gemis bench tasks``: the coordinator's task table and ``send-reminders`` at province scale.

It builds a synthetic province in a throwaway database (never the configured
one): one province, its communes, ``--agencies`` agencies with a focal point
each, a coordinator at the standing agency and one in each commune, issued plans and ``--tasks`` tasks
with deadlines of every shape and mixed statuses, many of them overdue. Then it
measures

* the coordinator's task table, ``GET /tasks/?overdue=1`` (page 1, 50 rows),
  through the whole middleware stack with a logged-in session: median and p95
  over ``--repeat`` requests after a warm-up; target: median < 300 ms;
* ``send-reminders`` over all the tasks (digests for every focal point and the
  coordinator's summary, e-mails into memory); target: < 10 s;
* the same command a second time that day (it must send nothing).

The framework (``Figure``, ``format_table``, ``throwaway_database``) is
:mod:`gemis.core.bench`.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import statistics
import time
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gemis.core.bench import (
    Figure,
    database_description,
    measurement_settings,
    percentile,
    throwaway_database,
)

# --- the tasks benchmark -------------------------------------------------------------------------

TASK_TABLE_TARGET_MS = 300.0
REMINDERS_TARGET_S = 10.0
PROVINCE_AGENCIES = 25  # departments at province level; the rest sit in communes
AGENCIES_PER_COMMUNE = 5
WARM_UP_REQUESTS = 3

_WORK = [
    "Tổ chức tập huấn nâng cao năng lực về bình đẳng giới cho cán bộ",
    "Xây dựng và nhân rộng mô hình địa chỉ tin cậy tại cộng đồng",
    "Rà soát, cập nhật số liệu thống kê có phân tổ theo giới tính",
    "Tổ chức các hoạt động hưởng ứng Tháng hành động vì bình đẳng giới",
    "Truyền thông phòng, chống bạo lực trên cơ sở giới trên đài truyền thanh",
    "Kiểm tra việc thực hiện pháp luật về bình đẳng giới tại cơ sở",
    "Báo cáo kết quả thực hiện kế hoạch gửi cơ quan thường trực",
    "Lồng ghép vấn đề bình đẳng giới trong xây dựng văn bản quy phạm pháp luật",
    "Hỗ trợ phụ nữ khởi nghiệp, tiếp cận vốn vay ưu đãi",
    "Nâng cao tỷ lệ nữ tham gia cấp ủy, hội đồng nhân dân các cấp",
]


def add_tasks_arguments(parser: Any) -> None:
    parser.add_argument("--tasks", type=int, default=20_000, help="Number of tasks (default 20000).")
    parser.add_argument("--agencies", type=int, default=500, help="Number of agencies (default 500).")
    parser.add_argument(
        "--repeat", type=int, default=30, help="Timed requests of the task table (default 30)."
    )
    parser.add_argument("--seed", type=int, default=2026, help="Random seed of the synthetic data.")


def run_tasks(options: dict[str, Any], out: Any) -> list[Figure]:
    """The coordinator's task table and send-reminders over a synthetic province."""
    with measurement_settings(), throwaway_database(out) as name:
        out.write(f"Database: {database_description()} ({name})")
        return measure_tasks(options, out)


def measure_tasks(options: dict[str, Any], out: Any) -> list[Figure]:
    """Build the province in the current database and measure (the tests call this directly)."""
    from gemis.plans import reminders, task_rules

    today = task_rules.today()
    started = time.perf_counter()
    province = build_province(options["tasks"], options["agencies"], today, seed=options.get("seed", 2026))
    build_seconds = time.perf_counter() - started
    out.write(
        f"Built {province.tasks} tasks ({province.overdue} overdue, {province.partner_links} partner links), "
        f"{province.agencies} agencies in {province.units} units, {province.plans} plans, "
        f"{province.focal_points} focal points, {province.coordinators} coordinators "
        f"in {build_seconds:.1f} s."
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a bulk load

    client = Client()
    client.force_login(province.coordinator)
    url = reverse("plans:task-list") + "?overdue=1"
    for _ in range(WARM_UP_REQUESTS):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    html = response.content.decode()
    rows = html.count('data-task="')
    out.write(f"GET {url}: {rows} rows on page 1, {len(queries)} queries, {len(html) // 1024} KiB of HTML.")
    timings = []
    for _ in range(max(1, options["repeat"])):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")

    first = reminders.send_reminders(today, reminders.DEFAULT_DAYS)
    out.write(
        f"send-reminders: {first.digests} digests, {first.summaries} summaries, {first.emails_sent} e-mails, "
        f"{first.notifications_created} notifications, {first.due_dates_refreshed} due dates refreshed."
    )
    second = reminders.send_reminders(today, reminders.DEFAULT_DAYS)
    if second.emails_sent or second.notifications_created:
        raise RuntimeError("the second send-reminders of the day sent something")
    mail.outbox = []
    return [
        Figure(
            f"task table, {options['repeat']} × GET /tasks/?overdue=1, median",
            statistics.median(timings),
            "ms",
            TASK_TABLE_TARGET_MS,
        ),
        Figure("task table, p95", percentile(timings, 0.95), "ms"),
        Figure(
            f"send-reminders, {province.tasks} tasks ({first.emails_sent} e-mails)",
            first.elapsed,
            "s",
            REMINDERS_TARGET_S,
        ),
        Figure("send-reminders again the same day (sends nothing)", second.elapsed, "s", REMINDERS_TARGET_S),
        Figure("building the synthetic province", build_seconds, "s"),
    ]


@dataclass
class Province:
    coordinator: Any
    coordinators: int
    units: int
    agencies: int
    focal_points: int
    plans: int
    tasks: int
    overdue: int
    partner_links: int


def _deadline(rng: random.Random, today: dt.date, year: int) -> Any:
    """A deadline of one of the shapes plans use; most fall around today so that many are overdue."""
    from gemis.vn.deadlines import Deadline, Recurrence

    roll = rng.random()
    day = today + dt.timedelta(days=rng.randint(-150, 200))
    if roll < 0.55:
        return Deadline.on(day)
    if roll < 0.70:
        return Deadline.in_month(day.year, day.month)
    if roll < 0.78:
        return Deadline.in_quarter(day.year, (day.month - 1) // 3 + 1)
    if roll < 0.83:
        return Deadline.between(day - dt.timedelta(days=30), day)
    if roll < 0.88:
        return Deadline.between(dt.date(year, 11, 15), dt.date(year, 12, 15))  # the Action Month
    if roll < 0.93:
        return Deadline.recurring(Recurrence.HALF_YEARLY, [(5, 15), (11, 15)])
    if roll < 0.96:
        return Deadline.recurring(Recurrence.CONTINUOUS)
    if roll < 0.98:
        return Deadline.after_event("sau khi có hướng dẫn của Bộ", rng.choice([None, day]))
    return Deadline.none()


def build_province(n_tasks: int, n_agencies: int, today: dt.date, *, seed: int = 2026) -> Province:
    """Bulk-load the synthetic province into the current database (no history rows, no signals)."""
    from gemis.orgs.models import Agency, Membership, OrgUnit, Role, Scheme, Tier, User, unit_path
    from gemis.plans.models import Plan, PlanStatus, Task, TaskStatus
    from gemis.plans.task_rules import set_deadline
    from gemis.vn.text import fold

    rng = random.Random(seed)
    year = today.year
    n_agencies = max(2, n_agencies)
    n_province = min(PROVINCE_AGENCIES, n_agencies // 2)
    n_communes = max(1, math.ceil((n_agencies - n_province) / AGENCIES_PER_COMMUNE))

    with transaction.atomic():
        province = OrgUnit(
            scheme=Scheme.CURRENT,
            code="99",
            name="Tỉnh Thử Tải",
            short_name="Thử Tải",
            kind="Tỉnh",
            tier=Tier.PROVINCE,
            depth=1,
        )
        province.save()
        communes = [
            OrgUnit(
                scheme=Scheme.CURRENT,
                code=f"99{i:03d}",
                name=f"Xã Thử Tải {i}",
                short_name=f"Thử Tải {i}",
                kind="Xã",
                tier=Tier.COMMUNE,
                depth=2,
                parent=province,
                path=unit_path(Scheme.CURRENT, f"99{i:03d}", province.path),
                search_name=fold(f"Xã Thử Tải {i}"),
            )
            for i in range(1, n_communes + 1)
        ]
        OrgUnit.objects.bulk_create(communes, batch_size=500)
        communes = list(OrgUnit.objects.filter(parent=province).order_by("code"))

        agencies = []
        for i in range(n_agencies):
            if i < n_province:
                unit, name = province, f"Sở thử tải số {i + 1}"
            else:
                unit = communes[(i - n_province) // AGENCIES_PER_COMMUNE]
                name = f"Phòng thử tải {(i - n_province) % AGENCIES_PER_COMMUNE + 1} — {unit.name}"
            agencies.append(
                Agency(
                    org_unit=unit, code=f"bench-{i}", name=name, short_name=name[:40], search_name=fold(name)
                )
            )
        Agency.objects.bulk_create(agencies, batch_size=500)
        agencies = list(
            Agency.objects.filter(code__startswith="bench-").select_related("org_unit").order_by("pk")
        )
        standing = agencies[0]
        OrgUnit.objects.filter(pk=province.pk).update(standing_agency=standing)
        by_unit: dict[int, list[Any]] = {}
        for agency in agencies:
            by_unit.setdefault(agency.org_unit_id, []).append(agency)

        password = make_password(None)
        users = [
            User(
                username=f"bench.focal.{i}",
                email=f"focal{i}@bench.example",
                full_name=f"Đầu mối {i}",
                password=password,
            )
            for i in range(len(agencies))
        ]
        users.append(
            User(
                username="bench.coordinator",
                email="coordinator@bench.example",
                full_name="Điều phối",
                password=password,
            )
        )
        # Since 2025 every commune's Phòng Văn hóa – Xã hội coordinates its own agencies.
        users += [
            User(
                username=f"bench.coordinator.{unit.code}",
                email=f"coordinator{unit.code}@bench.example",
                full_name=f"Điều phối {unit.name}",
                password=password,
            )
            for unit in communes
        ]
        User.objects.bulk_create(users, batch_size=500)
        by_name = {u.username: u for u in User.objects.filter(username__startswith="bench.")}
        coordinator = by_name["bench.coordinator"]
        memberships = [
            Membership(user=by_name[f"bench.focal.{i}"], agency=agency, role=Role.FOCAL_POINT)
            for i, agency in enumerate(agencies)
        ]
        memberships.append(Membership(user=coordinator, agency=standing, role=Role.COORDINATOR))
        memberships += [
            Membership(
                user=by_name[f"bench.coordinator.{unit.code}"],
                agency=by_unit[unit.pk][0],
                role=Role.COORDINATOR,
            )
            for unit in communes
        ]
        Membership.objects.bulk_create(memberships, batch_size=500)

        # One provincial plan addressed to everyone, one plan per commune, one draft still being written.
        plans = [
            Plan(
                org_unit=unit,
                issuing_agency=by_unit[unit.pk][0],
                number=f"{100 + i}/KH-UBND",
                period_start=year,
                period_end=year,
                subject=f"Kế hoạch thực hiện công tác bình đẳng giới năm {year} ({unit.name})",
                status=PlanStatus.ISSUED,
            )
            for i, unit in enumerate([province, *communes])
        ]
        plans.append(
            Plan(
                org_unit=province,
                issuing_agency=standing,
                period_start=year,
                period_end=year,
                subject="Dự thảo kế hoạch",
                status=PlanStatus.DRAFT,
            )
        )
        Plan.objects.bulk_create(plans, batch_size=500)
        plans = list(Plan.objects.filter(org_unit__path__startswith=province.path).order_by("pk"))
        province_plan, draft_plan = plans[0], plans[-1]
        commune_plans = {plan.org_unit_id: plan for plan in plans[1:-1]}

        statuses = [
            (TaskStatus.NOT_STARTED, 0.45),
            (TaskStatus.IN_PROGRESS, 0.30),
            (TaskStatus.DONE, 0.18),
            (TaskStatus.CANCELLED, 0.07),
        ]
        status_values, status_weights = zip(*statuses, strict=True)
        new_tasks = []
        for i in range(n_tasks):
            roll = rng.random()
            if roll < 0.03:
                plan, lead = draft_plan, rng.choice(agencies)
            elif roll < 0.33:
                plan, lead = province_plan, rng.choice(agencies)
            else:
                unit = rng.choice(communes)
                plan, lead = commune_plans[unit.pk], rng.choice(by_unit[unit.pk])
            status = rng.choices(status_values, status_weights)[0]
            progress = {TaskStatus.DONE: 100, TaskStatus.IN_PROGRESS: rng.randint(10, 90)}.get(status, 0)
            task = Task(
                plan=plan,
                order=i,
                text=f"{rng.choice(_WORK)} (nhiệm vụ {i + 1})",
                lead_agency=lead,
                status=status,
                progress=progress,
            )
            task.search_text = fold(task.text)  # bulk_create skips save(), which keeps it in step
            set_deadline(task, _deadline(rng, today, year))
            new_tasks.append(task)
        Task.objects.bulk_create(new_tasks, batch_size=1000)

        task_ids = list(Task.objects.filter(plan__in=plans).values_list("pk", flat=True))
        Partner = Task.partners.through
        links = []
        for task_id in task_ids:
            if rng.random() < 0.3:
                for agency in rng.sample(agencies, rng.randint(1, 2)):
                    links.append(Partner(task_id=task_id, agency_id=agency.pk))
        Partner.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)

    from gemis.plans.task_rules import overdue_q

    return Province(
        coordinator=coordinator,
        coordinators=1 + len(communes),
        units=1 + len(communes),
        agencies=len(agencies),
        focal_points=len(agencies),
        plans=len(plans),
        tasks=len(task_ids),
        overdue=Task.objects.filter(overdue_q(today), plan__status=PlanStatus.ISSUED).count(),
        partner_links=len(links),
    )
