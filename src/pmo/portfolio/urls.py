from django.urls import path

from . import views

app_name = "portfolio"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("programs/", views.program_list, name="program_list"),
    path("programs/new/", views.program_create, name="program_create"),
    path("programs/<int:pk>/", views.program_detail, name="program_detail"),
    path("programs/<int:pk>/edit/", views.program_edit, name="program_edit"),
    path("programs/<int:pk>/delete/", views.program_delete, name="program_delete"),
    path("programs/<int:program_pk>/projects/new/", views.project_create, name="project_create"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/delete/", views.project_delete, name="project_delete"),
]
