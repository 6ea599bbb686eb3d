from django.urls import path

from gemis.orgs import views

urlpatterns = [
    path("", views.home, name="home"),
]
