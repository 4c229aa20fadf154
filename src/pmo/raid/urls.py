from django.urls import path

from . import views

app_name = "raid"
urlpatterns = [
    path("", views.log, name="portfolio_log"),
    path("programs/<int:program_pk>/", views.log, name="program_log"),
    path("projects/<int:project_pk>/", views.log, name="project_log"),
    path("cell/", views.cell, name="cell"),
    path("bulk/", views.bulk, name="bulk"),
    path("projects/<int:project_pk>/risks/new/", views.risk_create, name="risk_create"),
    path("programs/<int:program_pk>/risks/new/", views.risk_create, name="program_risk_create"),
    path("projects/<int:project_pk>/issues/new/", views.issue_create, name="issue_create"),
    path("projects/<int:project_pk>/assumptions/new/", views.assumption_create, name="assumption_create"),
    path("risks/<int:pk>/", views.risk_detail, name="risk_detail"),
    path("risks/<int:pk>/edit/", views.risk_edit, name="risk_edit"),
    path("risks/<int:pk>/occur/", views.risk_occur, name="risk_occur"),
    path("risks/<int:pk>/escalate/", views.risk_escalate, name="risk_escalate"),
    path("risks/<int:pk>/actions/", views.action_create, name="action_create"),
    path("risks/actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("issues/<int:pk>/", views.issue_detail, name="issue_detail"),
    path("issues/<int:pk>/edit/", views.issue_edit, name="issue_edit"),
    path("issues/<int:pk>/escalate/", views.issue_escalate, name="issue_escalate"),
    path("assumptions/<int:pk>/", views.assumption_detail, name="assumption_detail"),
    path("assumptions/<int:pk>/edit/", views.assumption_edit, name="assumption_edit"),
    path("scale/", views.scale, name="scale"),
    path("escalations/", views.escalations, name="escalations"),
    path("escalations/<int:pk>/", views.escalation_detail, name="escalation_detail"),
    path("escalations/<int:pk>/decide/", views.escalation_decide, name="escalation_decide"),
    path("programs/<int:program_pk>/settings/", views.settings_update, name="settings"),
    path("programs/<int:program_pk>/simulations/new/", views.run_start, name="run_start"),
    path("simulations/<int:pk>/", views.run_detail, name="run_detail"),
    path("simulations/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("simulations/compare/", views.run_compare, name="run_compare"),
]
