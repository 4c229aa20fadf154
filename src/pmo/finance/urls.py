from django.urls import path

from . import views

app_name = "finance"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("pmo/", views.pmo_budget, name="pmo_budget"),
    path("pmo/budget/new/", views.budget_create, name="pmo_budget_create"),
    path("rates/", views.rates, name="rates"),
    path("programs/<int:pk>/", views.program_finance, name="program_finance"),
    path("programs/<int:program_pk>/budget/new/", views.budget_create, name="program_budget_create"),
    path("projects/<int:pk>/", views.project_finance, name="project_finance"),
    path("projects/<int:project_pk>/budget/new/", views.budget_create, name="project_budget_create"),
    path("projects/<int:project_pk>/costs/new/", views.cost_entry_create, name="cost_entry_create"),
    path("projects/<int:project_pk>/control-accounts/new/", views.control_account_create,
         name="control_account_create"),
    path("projects/<int:project_pk>/status/", views.status_record, name="status_record"),
    path("budgets/<int:pk>/change/", views.budget_change, name="budget_change"),
    path("budgets/<int:pk>/lines/new/", views.budget_line_create, name="budget_line_create"),
    path("budget-changes/<int:pk>/", views.budget_change_detail, name="budget_change_detail"),
    path("budget-lines/<int:pk>/", views.budget_line_detail, name="budget_line_detail"),
    path("budget-lines/<int:pk>/delete/", views.budget_line_delete, name="budget_line_delete"),
    path("costs/<int:pk>/", views.cost_entry_detail, name="cost_entry_detail"),
    path("costs/<int:pk>/delete/", views.cost_entry_delete, name="cost_entry_delete"),
    path("control-accounts/<int:pk>/", views.control_account_detail, name="control_account_detail"),
]
