from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("people/", views.people, name="people"),
    path("people/roles/<int:pk>/revoke/", views.membership_revoke, name="membership_revoke"),
]
