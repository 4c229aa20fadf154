from django.urls import path

from . import views

app_name = "governance"
urlpatterns = [
    path("", views.index, name="index"),
    path("programs/<int:program_pk>/", views.program, name="program"),
    path("programs/<int:program_pk>/lifecycle/", views.lifecycle_apply, name="lifecycle_apply"),
    path("programs/<int:program_pk>/settings/", views.settings_update, name="settings_update"),
    path("gates/<int:pk>/", views.gate_detail, name="gate_detail"),
    path("gates/<int:pk>/reviews/new/", views.review_create, name="review_create"),
    path("criteria/<int:pk>/edit/", views.criterion_edit, name="criterion_edit"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("reviews/<int:pk>/decide/", views.review_decide, name="review_decide"),
    path("budget-changes/<int:pk>/decide/", views.budget_change_decide, name="budget_change_decide"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("history/<str:object_type>/<str:object_id>/", views.history, name="history"),
    path("audit/", views.audit_verify, name="audit"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/agenda/", views.meeting_agenda, name="meeting_agenda"),
    path("meetings/<int:pk>/decisions/new/", views.decision_create, name="decision_create"),
    path("actions/", views.actions, name="actions"),
]
