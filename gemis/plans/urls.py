"""The addresses of plans, tasks, calendar feeds, notifications and the trash (``plans:`` names)."""

from django.urls import path

from gemis.plans import views_feeds, views_notifications, views_plans, views_tasks, views_trash

app_name = "plans"

urlpatterns = [
    # plans and their structure
    path("plans/", views_plans.plan_list, name="plan-list"),
    path("plans/new/", views_plans.plan_create, name="plan-create"),
    path(
        "plans/issuing-agency-options/",
        views_plans.issuing_agency_options,
        name="plan-issuing-agency-options",
    ),
    path("plans/<int:pk>/", views_plans.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/edit/", views_plans.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/delete/", views_plans.plan_delete, name="plan-delete"),
    path("plans/<int:pk>/issue/", views_plans.plan_issue, name="plan-issue"),
    path("plans/<int:pk>/close/", views_plans.plan_close, name="plan-close"),
    path("plans/<int:pk>/cascade/", views_plans.plan_cascade, name="plan-cascade"),
    path("plans/<int:pk>/hand-down/", views_plans.plan_hand_down, name="plan-hand-down"),
    path("plans/<int:pk>/legal-bases/add/", views_plans.legal_basis_add, name="plan-legal-basis-add"),
    path(
        "plans/<int:pk>/legal-bases/<int:document_pk>/remove/",
        views_plans.legal_basis_remove,
        name="plan-legal-basis-remove",
    ),
    path("plans/<int:pk>/sections/new/", views_plans.section_create, name="plan-section-create"),
    path("plans/sections/<int:pk>/edit/", views_plans.section_edit, name="plan-section-edit"),
    path("plans/sections/<int:pk>/delete/", views_plans.section_delete, name="plan-section-delete"),
    path("plans/sections/<int:pk>/move/", views_plans.section_move, name="plan-section-move"),
    path("plans/<int:pk>/tasks/new/", views_plans.task_create, name="plan-task-create"),
    path("plans/tasks/<int:pk>/edit/", views_plans.task_edit, name="plan-task-edit"),
    path("plans/tasks/<int:pk>/delete/", views_plans.task_delete, name="plan-task-delete"),
    path("plans/tasks/<int:pk>/move/", views_plans.task_move, name="plan-task-move"),
    path("plans/<int:pk>/deadline-preview/", views_plans.deadline_preview, name="plan-deadline-preview"),
    path("plans/<int:pk>/agency-options/", views_plans.agency_options, name="plan-agency-options"),
    # tasks (the fixed words come before "tasks/<int:pk>/" so that they read as pages, not as task numbers)
    path("tasks/", views_tasks.task_list, name="task-list"),
    path("tasks/mine/", views_tasks.my_tasks, name="my-tasks"),
    path("tasks/board/", views_tasks.task_board, name="task-board"),
    path("tasks/calendar/", views_tasks.task_calendar_view, name="task-calendar"),
    path("tasks/export.<str:fmt>", views_tasks.task_export, name="task-export"),
    path("tasks/<int:pk>/", views_tasks.task_detail, name="task-detail"),
    path("attachments/<int:pk>/", views_tasks.attachment_download, name="attachment-download"),
    # calendar feeds
    path("tasks/feeds/", views_feeds.feed_list, name="calendar-feeds"),
    path("tasks/feeds/<int:pk>/revoke/", views_feeds.feed_revoke, name="calendar-feed-revoke"),
    path("ical/<str:token>.ics", views_feeds.feed_ics, name="calendar-feed"),
    # notifications
    path("notifications/", views_notifications.notification_list, name="notification-list"),
    path("notifications/<int:pk>/", views_notifications.notification_open, name="notification-open"),
    path(
        "notifications/read-all/",
        views_notifications.notification_mark_all_read,
        name="notification-mark-all-read",
    ),
    # the trash
    path("trash/", views_trash.trash_list, name="trash"),
    path("trash/<str:kind>/<int:pk>/restore/", views_trash.trash_restore, name="trash-restore"),
]
