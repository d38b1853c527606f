from django.urls import path

from . import views, views_documents

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/<int:tos_pk>/", views.meeting_create, name="create"),
    path("charter/<int:tos_pk>/", views.charter_edit, name="charter"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/quorum/", views.quorum_panel, name="quorum"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/desk/", views.secretary_desk, name="desk"),
    path("<int:pk>/state/<str:action>/", views.meeting_state, name="state"),
    path("<int:pk>/check-in/", views.check_in, name="check_in"),
    path("<int:pk>/pass/", views.door_pass, name="pass"),
    path("<int:pk>/items/<int:item_pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/items/<int:item_pk>/<str:action>/", views.item_action, name="item_action"),
    path("<int:pk>/receipts/", views.receipts, name="receipts"),
    path("<int:pk>/protocol.docx", views_documents.protocol, name="protocol"),
    path("<int:pk>/registration.docx", views_documents.registration_sheet, name="registration_sheet"),
    path("<int:pk>/verify/", views_documents.verify, name="verify"),
]
