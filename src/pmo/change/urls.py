from django.urls import path

from . import views

app_name = "change"
urlpatterns = [
    path("projects/<int:project_pk>/scope/", views.scope, name="scope"),
    path("deliverables/<int:pk>/", views.deliverable_detail, name="deliverable_detail"),
    path("scope-items/<int:pk>/", views.item_detail, name="item_detail"),
    path("scope-baselines/<int:pk>/", views.scope_baseline_detail, name="scope_baseline_detail"),
    path("projects/<int:project_pk>/scope/deliverables/new/", views.deliverable_create, name="deliverable_create"),
    path("deliverables/<int:pk>/edit/", views.deliverable_edit, name="deliverable_edit"),
    path("deliverables/<int:pk>/delete/", views.deliverable_delete, name="deliverable_delete"),
    path("projects/<int:project_pk>/scope/items/new/", views.item_create, name="item_create"),
    path("scope-items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("scope-items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("deliverables/<int:pk>/decide/", views.deliverable_decide, name="deliverable_decide"),
    path("", views.request_list, name="request_list"),
    path("programs/<int:program_pk>/", views.program, name="program"),
    path("programs/<int:program_pk>/new/", views.request_create, name="request_create"),
    path("programs/<int:program_pk>/log/", views.change_log, name="change_log"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("requests/<int:pk>/submit/", views.request_submit, name="request_submit"),
    path("requests/<int:pk>/assess/", views.request_assess, name="request_assess"),
    path("requests/<int:pk>/decide/", views.request_decide, name="request_decide"),
    path("requests/<int:pk>/implement/", views.request_implement, name="request_implement"),
]
