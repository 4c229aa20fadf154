from django.urls import path

from . import views

app_name = "closure"
urlpatterns = [
    path("", views.index, name="index"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/<int:pk>/items/<slug:item>/", views.project_mark, name="project_mark"),
    path("projects/<int:pk>/items/<slug:item>/clear/", views.project_clear, name="project_clear"),
    path("projects/<int:pk>/archive/", views.project_archive, name="project_archive"),
    path("projects/<int:pk>/unarchive/", views.project_unarchive, name="project_unarchive"),
    path("projects/<int:pk>/report/", views.project_report, name="project_report"),
    path("projects/<int:pk>/report.xlsx", views.project_report_xlsx, name="project_report_xlsx"),
    path("programs/<int:pk>/", views.program, name="program"),
    path("programs/<int:pk>/items/<slug:item>/", views.program_mark, name="program_mark"),
    path("programs/<int:pk>/items/<slug:item>/clear/", views.program_clear, name="program_clear"),
    path("programs/<int:pk>/archive/", views.program_archive, name="program_archive"),
    path("programs/<int:pk>/unarchive/", views.program_unarchive, name="program_unarchive"),
    path("programs/<int:pk>/report/", views.program_report, name="program_report"),
    path("programs/<int:pk>/report.xlsx", views.program_report_xlsx, name="program_report_xlsx"),
    path("lessons/", views.lessons, name="lessons"),
    path("lessons/export/", views.lessons_export, name="lessons_export"),
    path("lessons/new/", views.lesson_create, name="lesson_create"),
    path("lessons/<int:pk>/", views.lesson_detail, name="lesson_detail"),
    path("lessons/<int:pk>/edit/", views.lesson_edit, name="lesson_edit"),
    path("lessons/<int:pk>/delete/", views.lesson_delete, name="lesson_delete"),
    path("lessons/<int:pk>/adopt/", views.adoption_create, name="adoption_create"),
    path("adoptions/<int:pk>/edit/", views.adoption_edit, name="adoption_edit"),
    path("adoptions/<int:pk>/delete/", views.adoption_delete, name="adoption_delete"),
]
