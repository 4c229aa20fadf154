from django.urls import path

from . import views

app_name = "benefits"
urlpatterns = [
    path("", views.register, name="register"),
    path("programs/<int:program_pk>/", views.program, name="program"),
    path("programs/<int:program_pk>/new/", views.benefit_create, name="benefit_create"),
    path("programs/<int:program_pk>/map/", views.benefits_map, name="map"),
    path("programs/<int:program_pk>/map/nodes/", views.node_create, name="node_create"),
    path("programs/<int:program_pk>/map/edges/", views.edge_create, name="edge_create"),
    path("map/nodes/<int:pk>/delete/", views.node_delete, name="node_delete"),
    path("map/edges/<int:pk>/delete/", views.edge_delete, name="edge_delete"),
    path("<int:pk>/", views.benefit_detail, name="benefit_detail"),
    path("<int:pk>/edit/", views.benefit_edit, name="benefit_edit"),
    path("<int:pk>/delete/", views.benefit_delete, name="benefit_delete"),
    path("<int:pk>/measurements/new/", views.measurement_create, name="measurement_create"),
    path("<int:pk>/handover/", views.benefit_handover, name="benefit_handover"),
    path("objectives/", views.objectives, name="objectives"),
    path("objectives/new/", views.objective_create, name="objective_create"),
    path("objectives/<int:pk>/", views.objective_detail, name="objective_detail"),
    path("objectives/<int:pk>/edit/", views.objective_edit, name="objective_edit"),
    path("settings/", views.settings_page, name="settings"),
    path("selection/", views.selection, name="selection"),
    path("selection/candidates/new/", views.candidate_create, name="candidate_create"),
    path("selection/candidates/<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("selection/candidates/<int:pk>/edit/", views.candidate_edit, name="candidate_edit"),
    path("selection/scenarios/new/", views.scenario_start, name="scenario_start"),
    path("selection/scenarios/<int:pk>/", views.scenario_detail, name="scenario_detail"),
    path("selection/scenarios/<int:pk>/progress/", views.scenario_progress, name="scenario_progress"),
]
