from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("projects/<int:pk>/plan/", views.project_gantt, name="project_gantt"),
    path("projects/<int:pk>/plan/tasks/", views.task_list, name="task_list"),
    path("projects/<int:pk>/plan/tasks/new/", views.task_create, name="task_create"),
    path("projects/<int:pk>/plan/links/new/", views.dependency_create, name="dependency_create"),
    path("projects/<int:pk>/plan/schedule/", views.project_schedule, name="project_schedule"),
    path("projects/<int:pk>/plan/baseline/", views.baseline_create, name="baseline_create"),
    path("projects/<int:pk>/plan/checks/", views.project_checks, name="project_checks"),
    path("projects/<int:pk>/plan/import/", views.mspdi_import, name="mspdi_import"),
    path("plan/tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("plan/tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("plan/tasks/<int:pk>/indent/", views.task_indent, name="task_indent"),
    path("plan/tasks/<int:pk>/outdent/", views.task_outdent, name="task_outdent"),
    path("plan/tasks/<int:pk>/delete/", views.task_delete, name="task_delete"),
    path("plan/links/<int:pk>/", views.dependency_detail, name="dependency_detail"),
    path("plan/links/<int:pk>/delete/", views.dependency_delete, name="dependency_delete"),
    path("plan/baselines/<int:pk>/", views.baseline_detail, name="baseline_detail"),
    path("plan/calendars/<int:pk>/", views.calendar_detail, name="calendar_detail"),
    path("programs/<int:pk>/plan/", views.program_gantt, name="program_gantt"),
    path("programs/<int:pk>/plan/schedule/", views.program_schedule, name="program_schedule"),
    path("programs/<int:pk>/roadmap/", views.program_roadmap, name="program_roadmap"),
    path("programs/<int:pk>/plan/checks/", views.program_checks, name="program_checks"),
    path("interfaces/", views.interface_list, name="interface_list"),
    path("interfaces/new/", views.interface_create, name="interface_create"),
    path("interfaces/<int:pk>/", views.interface_detail, name="interface_detail"),
    path("interfaces/<int:pk>/edit/", views.interface_edit, name="interface_edit"),
    path("interfaces/<int:pk>/acknowledge/", views.interface_acknowledge, name="interface_acknowledge"),
    path("interfaces/<int:pk>/delete/", views.interface_delete, name="interface_delete"),
]
