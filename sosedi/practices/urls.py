from django.urls import path

from . import views

app_name = "practices"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("review/", views.review, name="review"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("propose/<int:project_pk>/", views.propose, name="propose"),
]
