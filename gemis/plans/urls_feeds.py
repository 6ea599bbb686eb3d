from django.urls import path

from gemis.plans import views_feeds

urlpatterns = [
    path("tasks/feeds/", views_feeds.feed_list, name="calendar-feeds"),
    path("tasks/feeds/<int:pk>/revoke/", views_feeds.feed_revoke, name="calendar-feed-revoke"),
    path("ical/<str:token>.ics", views_feeds.feed_ics, name="calendar-feed"),
]
