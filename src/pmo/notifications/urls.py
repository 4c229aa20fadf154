from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("bell/", views.bell, name="bell"),
    path("read-all/", views.read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("calendar/", views.feed, name="feed"),
    path("calendar/revoke/", views.feed_revoke, name="feed_revoke"),
    path("calendar/<str:key>.ics", views.ical, name="ical"),
    path("log/", views.log, name="log"),
    path("log/<int:pk>/", views.log_detail, name="log_detail"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/read/", views.read, name="read"),
]
