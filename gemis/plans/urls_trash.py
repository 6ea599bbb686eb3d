from django.urls import path

from gemis.plans import views_trash

urlpatterns = [
    path("trash/", views_trash.trash_list, name="trash"),
    path("trash/<str:kind>/<int:pk>/restore/", views_trash.trash_restore, name="trash-restore"),
]
