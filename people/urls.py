from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/capacity/", views.capacity_edit, name="capacity_edit"),
    path("people/<int:pk>/capacity/", views.person_capacity, name="capacity"),
]
