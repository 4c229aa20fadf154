from django.urls import path

from . import views

app_name = "communications"
urlpatterns = [
    path("", views.home, name="home"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("programs/<int:program_pk>/meetings/", views.program_meetings, name="program_meetings"),
    path("programs/<int:program_pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("projects/<int:project_pk>/meetings/new/", views.project_meeting_create, name="project_meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/delete/", views.meeting_delete, name="meeting_delete"),
    path("meetings/<int:pk>/invitation.ics", views.meeting_invitation, name="meeting_invitation"),
    path("meetings/<int:pk>/attendees/", views.attendee_add, name="attendee_add"),
    path("attendees/<int:pk>/remove/", views.attendee_remove, name="attendee_remove"),
    path("meetings/<int:pk>/agenda/new/", views.agenda_item_create, name="agenda_item_create"),
    path("agenda/<int:pk>/edit/", views.agenda_item_edit, name="agenda_item_edit"),
    path("agenda/<int:pk>/delete/", views.agenda_item_delete, name="agenda_item_delete"),
    path("meetings/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("programs/<int:program_pk>/plan/", views.program_plan, name="program_plan"),
    path("programs/<int:program_pk>/plan/new/", views.communication_create, name="communication_create"),
    path("plan/<int:pk>/", views.communication_detail, name="communication_detail"),
    path("plan/<int:pk>/edit/", views.communication_edit, name="communication_edit"),
    path("plan/<int:pk>/delete/", views.communication_delete, name="communication_delete"),
    path("plan/<int:pk>/send/", views.communication_send, name="communication_send"),
    path("plan/<int:pk>/audiences/", views.audience_add, name="audience_add"),
    path("audiences/<int:pk>/remove/", views.audience_remove, name="audience_remove"),
]
