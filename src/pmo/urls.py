from django.contrib.auth import views as auth_views
from django.urls import include, path

from pmo.accounts.views import LoginView
from pmo.api import api

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("pmo.accounts.urls")),
    path("api/v1/", api.urls),
    path("raid/", include("pmo.raid.urls")),
    path("finance/", include("pmo.finance.urls")),
    path("resources/", include("pmo.resources.urls")),
    path("procurement/", include("pmo.procurement.urls")),
    path("benefits/", include("pmo.benefits.urls")),
    path("documents/", include("pmo.documents.urls")),
    path("stakeholders/", include("pmo.stakeholders.urls")),
    path("notifications/", include("pmo.notifications.urls")),
    path("change/", include("pmo.change.urls")),
    path("communications/", include("pmo.communications.urls")),
    path("quality/", include("pmo.quality.urls")),
    path("governance/", include("pmo.governance.urls")),
    path("closure/", include("pmo.closure.urls")),
    path("", include("pmo.portfolio.urls")),
    path("", include("pmo.planning.urls")),
]
