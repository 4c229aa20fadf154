from django.urls import path

from . import views

app_name = "resources"
urlpatterns = [
    path("", views.pool, name="pool"),
    path("new/", views.resource_create, name="resource_create"),
    path("<int:pk>/", views.resource_detail, name="resource_detail"),
    path("<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("<int:pk>/delete/", views.resource_delete, name="resource_delete"),
    path("<int:pk>/skills/", views.skill_set, name="skill_set"),
    path("<int:pk>/leave/", views.leave_create, name="leave_create"),
    path("<int:pk>/rates/", views.rate_create, name="rate_create"),
    path("held-skills/<int:pk>/remove/", views.skill_remove, name="skill_remove"),
    path("leave/<int:pk>/delete/", views.leave_delete, name="leave_delete"),
    path("rates/<int:pk>/delete/", views.rate_delete, name="rate_delete"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("skills/", views.skill_list, name="skill_list"),
    path("skills/new/", views.skill_create, name="skill_create"),
    path("skills/<int:pk>/", views.skill_detail, name="skill_detail"),
    path("capacity/", views.heatmap, name="heatmap"),
    path("capacity/cell/", views.heatmap_cell, name="heatmap_cell"),
    path("demand/", views.demand, name="demand"),
    path("projects/<int:project_pk>/", views.project_assignments, name="project_assignments"),
    path("tasks/<int:task_pk>/assign/", views.assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/edit/", views.assignment_edit, name="assignment_edit"),
    path("assignments/<int:pk>/delete/", views.assignment_delete, name="assignment_delete"),
    path("assignments/<int:pk>/fill/", views.assignment_fill, name="assignment_fill"),
]
