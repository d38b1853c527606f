from django.urls import path

from . import views

app_name = "territories"
urlpatterns = [
    path("", views.registry, name="registry"),
    path("map/", views.region_map, name="map"),
    path("find/", views.find, name="find"),
    path("new/", views.tos_create_view, name="tos_create"),
    path("<int:pk>/", views.tos_detail, name="tos_detail"),
    path("<int:pk>/edit/", views.tos_edit_view, name="tos_edit"),
    path("import/", views.import_start, name="import_start"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/template.<str:fmt>", views.import_template, name="import_template"),
]
