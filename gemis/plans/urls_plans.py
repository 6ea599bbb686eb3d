from django.urls import path

from gemis.plans import views_plans as views

urlpatterns = [
    path("plans/", views.plan_list, name="plan-list"),
    path("plans/new/", views.plan_create, name="plan-create"),
    path("plans/issuing-agency-options/", views.issuing_agency_options, name="plan-issuing-agency-options"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/delete/", views.plan_delete, name="plan-delete"),
    path("plans/<int:pk>/issue/", views.plan_issue, name="plan-issue"),
    path("plans/<int:pk>/close/", views.plan_close, name="plan-close"),
    path("plans/<int:pk>/cascade/", views.plan_cascade, name="plan-cascade"),
    path("plans/<int:pk>/legal-bases/add/", views.legal_basis_add, name="plan-legal-basis-add"),
    path(
        "plans/<int:pk>/legal-bases/<int:document_pk>/remove/",
        views.legal_basis_remove,
        name="plan-legal-basis-remove",
    ),
    path("plans/<int:pk>/sections/new/", views.section_create, name="plan-section-create"),
    path("plans/sections/<int:pk>/edit/", views.section_edit, name="plan-section-edit"),
    path("plans/sections/<int:pk>/delete/", views.section_delete, name="plan-section-delete"),
    path("plans/sections/<int:pk>/move/", views.section_move, name="plan-section-move"),
    path("plans/<int:pk>/tasks/new/", views.task_create, name="plan-task-create"),
    path("plans/tasks/<int:pk>/edit/", views.task_edit, name="plan-task-edit"),
    path("plans/tasks/<int:pk>/delete/", views.task_delete, name="plan-task-delete"),
    path("plans/tasks/<int:pk>/move/", views.task_move, name="plan-task-move"),
    path("plans/<int:pk>/deadline-preview/", views.deadline_preview, name="plan-deadline-preview"),
    path("plans/<int:pk>/agency-options/", views.agency_options, name="plan-agency-options"),
]
