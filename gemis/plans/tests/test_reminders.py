from __future__ import annotations

import datetime as dt
import re
import smtplib
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.utils import translation

from gemis.orgs.models import Role
from gemis.orgs.testing import make_user
from gemis.plans import reminders
from gemis.plans.models import Notification, PlanStatus, Task, TaskStatus
from gemis.plans.testing import make_plan, make_task
from gemis.vn.deadlines import Deadline, Recurrence

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 22)


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def issued_plan(unit, agency, **fields):
    return make_plan(unit, agency, status=PlanStatus.ISSUED, **fields)


@pytest.fixture
def chase(world):
    """District A's agency has one task of every kind; district B one overdue task."""
    plan = issued_plan(world.district_a, world.district_a_agency, number="12/KH-UBND")
    lead = world.district_a_agency
    tasks = {
        "late": make_task(plan, "Tổ chức hội nghị triển khai", lead, Deadline.on(days(-3))),
        "very_late": make_task(plan, "Rà soát số liệu phân tổ giới", lead, Deadline.on(days(-20))),
        "soon": make_task(plan, "Báo cáo sơ kết 6 tháng", lead, Deadline.on(days(3))),
        "today": make_task(plan, "Gửi danh sách tuyên truyền viên", lead, Deadline.on(TODAY)),
        "far": make_task(plan, "Tổng kết năm", lead, Deadline.on(days(40))),
        "done": make_task(plan, "Đã xong", lead, Deadline.on(days(-5)), status=TaskStatus.DONE, progress=100),
        "cancelled": make_task(plan, "Đã hủy", lead, Deadline.on(days(-5)), status=TaskStatus.CANCELLED),
        "no_deadline": make_task(plan, "Thường xuyên", lead, Deadline.none()),
    }
    draft = make_plan(world.district_a, lead)
    tasks["draft"] = make_task(draft, "Nhiệm vụ của dự thảo", lead, Deadline.on(days(-2)))
    plan_b = issued_plan(world.district_b, world.district_b_agency)
    tasks["district_b"] = make_task(
        plan_b, "Nhiệm vụ huyện B", world.district_b_agency, Deadline.on(days(-1))
    )
    return tasks


def run(*args: str) -> str:
    out = StringIO()
    call_command("send_reminders", "--date", TODAY.isoformat(), *args, stdout=out)
    return out.getvalue()


def outbox_to(user) -> list:
    return [m for m in mail.outbox if any(user.email in to for to in m.to)]


def test_digest_lists_overdue_first_then_due_soon_and_nothing_else(world, chase):
    digests = {d.user_id: d for d in reminders.collect_digests(TODAY, 7)}
    digest = digests[world.district_a_focal.pk]
    assert [line.task_id for line in digest.overdue] == [chase["very_late"].pk, chase["late"].pk]
    assert [line.task_id for line in digest.due_soon] == [chase["today"].pk, chase["soon"].pk]
    assert [line.days for line in digest.overdue] == [-20, -3]
    assert [line.days for line in digest.due_soon] == [0, 3]


def test_subject_is_vietnamese(world, chase):
    """Passes once the Vietnamese catalog is compiled."""
    run()
    [message] = outbox_to(world.district_a_focal)
    assert message.subject == "[GEMIS] 2 nhiệm vụ quá hạn, 2 nhiệm vụ sắp đến hạn"


def test_digest_email_content(world, chase, settings):
    settings.GEMIS_BASE_URL = "https://gemis.example.vn"
    settings.LANGUAGE_CODE = "en"
    run()
    [message] = outbox_to(world.district_a_focal)
    assert message.subject == "[GEMIS] 2 overdue tasks, 2 tasks due soon"
    text = message.body
    for key in ("late", "very_late", "soon", "today"):
        assert chase[key].text in text
        assert f"https://gemis.example.vn/tasks/{chase[key].pk}/" in text
    for key in ("far", "done", "cancelled", "no_deadline", "draft", "district_b"):
        assert chase[key].text not in text
    assert (
        text.index(chase["very_late"].text) < text.index(chase["late"].text) < text.index(chase["soon"].text)
    )
    assert "19/11/2026" in text  # dd/mm/yyyy
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'data-testid="overdue"' in html and 'data-testid="due-soon"' in html
    assert f'href="https://gemis.example.vn/tasks/{chase["late"].pk}/"' in html


def test_digest_days_labels_in_english():
    line = reminders.TaskLine(1, "x", TODAY, -3, "a", "", "")
    with translation.override("en"):
        assert line.days_label == "3 days late"
        assert reminders.TaskLine(1, "x", TODAY, 0, "a", "", "").days_label == "due today"
        assert reminders.TaskLine(1, "x", TODAY, 1, "a", "", "").days_label == "1 day left"
        assert reminders.counts_title(1, 5) == "1 overdue task, 5 tasks due soon"
        assert reminders.counts_title(0, 2) == "2 tasks due soon"


def test_one_email_per_focal_point_with_matching_notification(world, chase):
    second_agency = world.commune_a_agency
    world.district_a_focal.memberships.create(agency=second_agency, role=Role.FOCAL_POINT)
    plan = issued_plan(world.commune_a, second_agency)
    commune_task = make_task(plan, "Nhiệm vụ của xã", second_agency, Deadline.on(days(-1)))
    run()
    [message] = outbox_to(world.district_a_focal)
    assert commune_task.text in message.body
    notification = Notification.objects.get(user=world.district_a_focal)
    assert notification.key == "digest:2026-11-22"
    assert notification.emailed_at is not None
    assert notification.url.startswith("/")
    assert notification.title == message.subject.removeprefix("[GEMIS] ")


def test_second_run_same_day_sends_nothing_and_next_day_sends_again(world, chase, settings):
    settings.LANGUAGE_CODE = "en"
    run()
    sent = len(mail.outbox)
    assert sent == 4  # the focal point's digest, three coordinators' summaries
    notifications = Notification.objects.count()
    second = run()
    assert len(mail.outbox) == sent
    assert Notification.objects.count() == notifications
    assert re.search(r"Skipped, already sent today\s+4\b", second)
    assert re.search(r"E-mails sent\s+0\b", second)
    call_command("send_reminders", "--date", days(1).isoformat(), stdout=StringIO())
    assert len(mail.outbox) == 2 * sent
    assert Notification.objects.filter(key="digest:2026-11-23").count() == 1


def test_coordinator_summary_covers_only_its_subtree(world, chase):
    summaries = {s.user_id: s for s in reminders.collect_summaries(TODAY, 7)}
    district_a = summaries[world.district_a_coordinator.pk]
    assert [row.agency_id for row in district_a.rows] == [world.district_a_agency.pk]
    assert (district_a.overdue, district_a.due_soon) == (2, 2)
    district_b = summaries[world.district_b_coordinator.pk]
    assert [row.agency_id for row in district_b.rows] == [world.district_b_agency.pk]
    province = summaries[world.province_coordinator.pk]
    # Worst first: district A has 2 overdue, district B 1.
    assert [row.agency_id for row in province.rows] == [
        world.district_a_agency.pk,
        world.district_b_agency.pk,
    ]
    assert world.other_coordinator.pk not in summaries
    assert district_a.rows[0].url.endswith(f"/tasks/?agency={world.district_a_agency.pk}&overdue=1")


def test_summary_row_without_overdue_links_to_the_due_window(world):
    plan = issued_plan(world.district_b, world.district_b_agency)
    make_task(plan, "Sắp đến hạn", world.district_b_agency, Deadline.on(days(2)))
    [row] = [
        s for s in reminders.collect_summaries(TODAY, 7) if s.user_id == world.district_b_coordinator.pk
    ][0].rows
    assert (row.overdue, row.due_soon) == (0, 1)
    assert row.url.endswith(f"/tasks/?agency={world.district_b_agency.pk}&due=7")


def test_coordinator_gets_one_summary_email(world, chase):
    run()
    [message] = outbox_to(world.district_b_coordinator)
    assert world.district_b_agency.name in message.body
    assert "Huyện An Bình" not in message.body
    [province_message] = outbox_to(world.province_coordinator)
    assert 'data-testid="summary-rows"' in province_message.alternatives[0][0]
    assert Notification.objects.get(user=world.province_coordinator).key == "summary:2026-11-22"
    assert not outbox_to(world.other_coordinator)


def test_users_without_email_get_notification_only(world, chase, settings):
    settings.LANGUAGE_CODE = "en"
    world.district_a_focal.email = ""
    world.district_a_focal.save()
    out = run()
    assert re.search(r"People without an e-mail address \(notification only\)\s+1\b", out)
    assert len(mail.outbox) == 3  # the coordinators only
    notification = Notification.objects.get(user=world.district_a_focal)
    assert notification.emailed_at is None
    run()
    assert len(mail.outbox) == 3
    assert Notification.objects.filter(user=world.district_a_focal).count() == 1


class FlakyBackend(EmailBackend):
    """Locmem, but refuses the addresses in ``failing``."""

    failing: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            if any(address in to for to in message.to for address in self.failing):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"no")})
        return super().send_messages(messages)


def test_email_failure_leaves_emailed_at_null_and_rerun_retries_only_it(world, chase, settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.failing = {world.district_a_focal.email}
    with pytest.raises(CommandError) as failed:
        run()
    assert failed.value.returncode == 1
    notification = Notification.objects.get(user=world.district_a_focal)
    assert notification.emailed_at is None
    others = len(mail.outbox)
    assert others >= 1 and not outbox_to(world.district_a_focal)

    FlakyBackend.failing = set()
    settings.LANGUAGE_CODE = "en"
    out = run()
    assert len(mail.outbox) == others + 1
    assert len(outbox_to(world.district_a_focal)) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert Notification.objects.filter(user=world.district_a_focal).count() == 1
    assert re.search(r"of which retries of failed e-mails\s+1\b", out)
    assert re.search(r"Skipped, already sent today\s+3\b", out)
    run()  # and a third run sends nothing
    assert len(mail.outbox) == others + 1


def test_dry_run_sends_and_writes_nothing(world, chase, settings):
    settings.LANGUAGE_CODE = "en"
    recurring = make_task(
        chase["late"].plan,
        "Báo cáo 6 tháng",
        world.district_a_agency,
        Deadline.recurring(Recurrence.HALF_YEARLY),
    )
    Task.objects.filter(pk=recurring.pk).update(due_date=None)
    out = run("--dry-run")
    assert mail.outbox == []
    assert Notification.objects.count() == 0
    assert Task.objects.get(pk=recurring.pk).due_date is None  # the refresh was rolled back too
    assert "Dry run" in out
    assert re.search(r"Due dates refreshed\s+1\b", out)
    assert re.search(r"E-mails to send\s+4\b", out)


def test_dry_run_counts_what_a_run_would_do(world, chase):
    dry = reminders.send_reminders(TODAY, dry_run=True)
    real = reminders.send_reminders(TODAY)
    assert dry.emails_sent == real.emails_sent == len(mail.outbox)
    assert dry.notifications_created == real.notifications_created


def test_recurring_due_dates_are_refreshed_first(world):
    plan = issued_plan(world.district_a, world.district_a_agency)
    task = make_task(
        plan,
        "Báo cáo định kỳ hằng năm",
        world.district_a_agency,
        Deadline.recurring(Recurrence.YEARLY, [(11, 15)]),
    )
    expected = task.due_date
    assert expected == dt.date(2026, 11, 15)
    Task.objects.filter(pk=task.pk).update(due_date=None)
    result = reminders.send_reminders(TODAY)
    assert result.due_dates_refreshed == 1
    assert Task.objects.get(pk=task.pk).due_date == expected
    [message] = outbox_to(world.district_a_focal)
    assert task.text in message.body


def test_inactive_and_other_roles_get_nothing(world, chase):
    world.district_a_focal.is_active = False
    world.district_a_focal.save()
    make_user("xem.them", world.district_a_agency, Role.VIEWER)
    run()
    assert not outbox_to(world.district_a_focal)
    assert not outbox_to(world.district_a_viewer)
    assert not [m for m in mail.outbox if "xem.them" in " ".join(m.to)]


def test_nothing_due_sends_nothing(world):
    plan = issued_plan(world.district_a, world.district_a_agency)
    make_task(plan, "Còn lâu", world.district_a_agency, Deadline.on(days(30)))
    result = reminders.send_reminders(TODAY)
    assert (result.emails_sent, result.notifications_created) == (0, 0)


def test_days_option_widens_due_soon(world, chase):
    [digest] = [d for d in reminders.collect_digests(TODAY, 60) if d.user_id == world.district_a_focal.pk]
    assert chase["far"].pk in [line.task_id for line in digest.due_soon]


def test_bad_date_is_refused():
    with pytest.raises(CommandError):
        call_command("send_reminders", "--date", "22/11/2026")


def test_progress_lines_printed(world, chase):
    out = run("--progress-every", "1")
    assert "4/4" in out and "1/4" in out  # 1 focal point + 3 coordinators with something to chase


def test_deadline_kept_only_as_text_gets_its_due_date(world):
    plan = issued_plan(world.district_a, world.district_a_agency)
    task = make_task(plan, "Nộp báo cáo", world.district_a_agency, deadline_text="trước ngày 20/11/2026")
    assert task.deadline == {} and task.due_date is None
    reminders.send_reminders(TODAY)
    assert Task.objects.get(pk=task.pk).due_date == dt.date(2026, 11, 20)
    [message] = outbox_to(world.district_a_focal)
    assert task.text in message.body


def test_a_concurrent_run_that_wrote_first_sends_instead(world, chase, monkeypatch):
    deliver = reminders._deliver_batch

    def other_run_wins(run, batch, *args):
        # Another run writes the focal point's digest after this run looked for existing ones.
        Notification.objects.get_or_create(user=world.district_a_focal, key="digest:2026-11-22")
        return deliver(run, batch, *args)

    monkeypatch.setattr(reminders, "_deliver_batch", other_run_wins)
    result = reminders.send_reminders(TODAY)
    assert not outbox_to(world.district_a_focal)
    assert len(outbox_to(world.province_coordinator)) == 1
    assert result.skipped == 1
    assert result.notifications_created == 3
    assert Notification.objects.filter(user=world.district_a_focal).count() == 1


@pytest.mark.parametrize("batch_size", [1, 2, 3])
def test_batches_of_any_size_send_each_person_once(world, chase, monkeypatch, batch_size):
    monkeypatch.setattr(reminders, "BATCH_SIZE", batch_size)
    first = reminders.send_reminders(TODAY)
    assert first.emails_sent == first.notifications_created == len(mail.outbox) == 4
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0
    second = reminders.send_reminders(TODAY)
    assert (second.emails_sent, second.notifications_created, second.skipped) == (0, 0, 4)


def test_summary_counts_a_task_with_partners_once(world):
    plan = issued_plan(world.district_a, world.district_a_agency)
    make_task(
        plan,
        "Phối hợp nhiều cơ quan",
        world.district_a_agency,
        Deadline.on(days(-1)),
        partners=[world.commune_a_agency, world.province_agency, world.district_b_agency],
    )
    for coordinator in (world.province_coordinator, world.district_a_coordinator):
        [summary] = [s for s in reminders.collect_summaries(TODAY, 7) if s.user_id == coordinator.pk]
        assert [(row.agency_id, row.overdue, row.due_soon) for row in summary.rows] == [
            (world.district_a_agency.pk, 1, 0)
        ]
    # District B is only a partner: its coordinator does not chase district A's agency.
    assert world.district_b_coordinator.pk not in {s.user_id for s in reminders.collect_summaries(TODAY, 7)}
