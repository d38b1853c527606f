from django.urls import path

from . import views

app_name = "knowledge"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.material_create_view, name="create"),
    path("desk/", views.desk, name="desk"),
    path("questions/", views.questions, name="questions"),
    path("questions/<int:pk>/answer/", views.question_answer_view, name="answer"),
    path("m/<str:slug>/", views.material_detail, name="material"),
    path("m/<str:slug>/edit/", views.material_edit_view, name="edit"),
    path("m/<str:slug>/history/", views.material_history, name="history"),
    path("m/<str:slug>/files/", views.attachment_add_view, name="attachment_add"),
    path("m/<str:slug>/files/<int:pk>/remove/", views.attachment_remove_view, name="attachment_remove"),
    path("m/<str:slug>/<str:action>/", views.material_action, name="action"),
]
