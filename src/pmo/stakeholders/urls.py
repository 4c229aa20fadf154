from django.urls import path

from . import views

app_name = "stakeholders"
urlpatterns = [
    path("", views.register, name="register"),
    path("export/", views.export, name="export"),
    path("programs/<int:program_pk>/", views.program, name="program"),
    path("programs/<int:program_pk>/engagement/", views.engagement, name="engagement"),
    path("programs/<int:program_pk>/new/", views.stakeholder_create, name="stakeholder_create"),
    path("programs/<int:program_pk>/groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("<int:pk>/", views.stakeholder_detail, name="stakeholder_detail"),
    path("<int:pk>/edit/", views.stakeholder_edit, name="stakeholder_edit"),
    path("<int:pk>/delete/", views.stakeholder_delete, name="stakeholder_delete"),
    path("<int:pk>/assessments/new/", views.assessment_create, name="assessment_create"),
    path("<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("projects/<int:project_pk>/raci/", views.raci, name="raci"),
]
