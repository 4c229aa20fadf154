from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [
    path("", views.index, name="index"),
    path("programs/<int:program_pk>/", views.program, name="program"),
    path("programs/<int:program_pk>/plan/new/", views.plan_create, name="plan_create"),
    path("projects/<int:project_pk>/plan/new/", views.project_plan_create, name="project_plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/roles/new/", views.role_create, name="role_create"),
    path("plans/<int:pk>/criteria/new/", views.criterion_create, name="criterion_create"),
    path("plans/<int:pk>/reviews/new/", views.review_create, name="review_create"),
    path("plans/<int:pk>/nonconformances/new/", views.nc_create, name="nc_create"),
    path("roles/<int:pk>/delete/", views.role_delete, name="role_delete"),
    path("criteria/<int:pk>/", views.criterion_detail, name="criterion_detail"),
    path("criteria/<int:pk>/edit/", views.criterion_edit, name="criterion_edit"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("reviews/<int:pk>/edit/", views.review_edit, name="review_edit"),
    path("reviews/<int:pk>/results/", views.review_results, name="review_results"),
    path("nonconformances/<int:pk>/", views.nc_detail, name="nc_detail"),
    path("nonconformances/<int:pk>/edit/", views.nc_edit, name="nc_edit"),
    path("nonconformances/<int:pk>/status/", views.nc_transition, name="nc_transition"),
    path("nonconformances/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("deliverables/<int:pk>/", views.deliverable, name="deliverable"),
    path("deliverables/<int:pk>/decide/", views.decide, name="decide"),
    path("acceptances/<int:pk>/", views.acceptance_detail, name="acceptance_detail"),
]
