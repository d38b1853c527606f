from django.urls import path
from django.views.generic import TemplateView

from . import views

app_name = "territories"
urlpatterns = [
    path("", TemplateView.as_view(template_name="base.html"), name="registry"),
    path("map/", TemplateView.as_view(template_name="base.html"), name="map"),
    path("find/", TemplateView.as_view(template_name="base.html"), name="find"),
    path("<int:pk>/", views.tos_detail, name="tos_detail"),
]
