from django.urls import path

from gemis.plans import views_tasks

# The fixed words come before "tasks/<int:pk>/" so that they read as pages, not as task numbers.
urlpatterns = [
    path("tasks/", views_tasks.task_list, name="task-list"),
    path("tasks/mine/", views_tasks.my_tasks, name="my-tasks"),
    path("tasks/board/", views_tasks.task_board, name="task-board"),
    path("tasks/calendar/", views_tasks.task_calendar_view, name="task-calendar"),
    path("tasks/export.<str:fmt>", views_tasks.task_export, name="task-export"),
    path("tasks/<int:pk>/", views_tasks.task_detail, name="task-detail"),
    path("attachments/<int:pk>/", views_tasks.attachment_download, name="attachment-download"),
]
