from django.urls import path

from . import views

app_name = "change"
urlpatterns = [
    path("projects/<int:project_pk>/scope/", views.scope, name="scope"),
    path("deliverables/<int:pk>/", views.deliverable_detail, name="deliverable_detail"),
    path("scope-items/<int:pk>/", views.item_detail, name="item_detail"),
    path("scope-baselines/<int:pk>/", views.scope_baseline_detail, name="scope_baseline_detail"),
]
