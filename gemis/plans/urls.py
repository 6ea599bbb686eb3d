from django.urls import include, path

urlpatterns = [
    path("", include("gemis.plans.urls_plans")),
    path("", include("gemis.plans.urls_tasks")),
    path("", include("gemis.plans.urls_feeds")),
    path("", include("gemis.plans.urls_notifications")),
    path("", include("gemis.plans.urls_trash")),
]
