from django.urls import path

from . import views, views_documents, views_selection

app_name = "initiatives"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("ideas/", views.idea_list, name="ideas"),
    path("map/", views.initiative_map, name="ideas_map"),
    path("review/", views.review_queue, name="review"),
    path("selections/", views_selection.selection_list, name="selections"),
    path("selections/new/", views_selection.selection_create, name="selection_create"),
    path("selections/<int:pk>/", views_selection.selection_detail, name="selection"),
    path("selections/<int:pk>/protocol.docx", views_selection.selection_protocol, name="selection_protocol"),
    path("selections/<int:pk>/<str:action>/", views_selection.selection_action, name="selection_action"),
    path("ideas/new/", views.idea_create, name="idea_create"),
    path("ideas/<int:pk>/", views.idea_detail, name="idea"),
    path("ideas/<int:pk>/support/", views.idea_support, name="idea_support"),
    path("ideas/<int:pk>/comment/", views.idea_comment, name="idea_comment"),
    path("new/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="project"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/do/<str:action>/", views.project_action, name="action"),
    path("<int:pk>/group/", views.group_add, name="group_add"),
    path("<int:pk>/paper/", views.paper_signature, name="paper"),
    path("<int:pk>/meeting/", views.meeting_link, name="meeting_link"),
    path("<int:pk>/protocol/", views.protocol_upload, name="protocol"),
    path("<int:pk>/survey/", views.survey_link, name="survey_link"),
    path("<int:pk>/survey/new/", views.survey_create, name="survey_create"),
    path("<int:pk>/remark/", views.remark_add, name="remark"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/milestone/", views.milestone_add, name="milestone"),
    path("<int:pk>/complete/", views.project_complete, name="complete"),
    path("<int:pk>/report/", views.project_report, name="report"),
    path("<int:pk>/funding/", views.contribution_add, name="contribution"),
    path("<int:pk>/funding/<int:contribution_pk>/received/", views.contribution_receive, name="received"),
    path("<int:pk>/signature-sheet.pdf", views_documents.signature_sheet_pdf, name="sheet_pdf"),
]
