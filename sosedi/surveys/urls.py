from django.urls import path

from . import views, views_reports

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_create, name="create"),
    path("s/<str:token>/", views.public_link, name="public"),
    path("classifier/", views_reports.classifier, name="classifier"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/edit/", views.survey_edit, name="edit"),
    path("<int:pk>/sections/", views.section_add, name="section_add"),
    path("<int:pk>/sections/<int:section_pk>/questions/", views.question_add, name="question_add"),
    path("<int:pk>/questions/<int:question_pk>/", views.question_edit, name="question_edit"),
    path("<int:pk>/state/<str:action>/", views.survey_state, name="state"),
    path("<int:pk>/preview/<int:number>/", views.preview, name="preview"),
    path("<int:pk>/answer/<int:number>/", views.answer, name="answer"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/finish/", views.finish, name="finish"),
    path("<int:pk>/thanks/", views.thanks, name="thanks"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/report/", views.results, name="report"),
    path("<int:pk>/export.<str:fmt>", views_reports.export, name="export"),
    path("<int:pk>/growth/", views_reports.growth, name="growth"),
    path("<int:pk>/problems/", views_reports.problems, name="problems"),
    path("<int:pk>/problems/export.<str:fmt>", views_reports.problems_export, name="problems_export"),
]
