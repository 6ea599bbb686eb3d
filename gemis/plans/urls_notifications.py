from django.urls import path

from gemis.plans import views_notifications

urlpatterns = [
    path("notifications/", views_notifications.notification_list, name="notification-list"),
    path("notifications/<int:pk>/", views_notifications.notification_open, name="notification-open"),
    path(
        "notifications/read-all/",
        views_notifications.notification_mark_all_read,
        name="notification-mark-all-read",
    ),
]
