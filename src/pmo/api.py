"""The ``/api/v1/`` application: one NinjaAPI, one router per app."""

from ninja.security import django_auth

from pmo.accounts.api import router as accounts_router
from pmo.accounts.auth import BearerToken
from pmo.benefits.api import router as benefits_router
from pmo.change.api import router as change_router
from pmo.closure.api import router as closure_router
from pmo.communications.api import router as communications_router
from pmo.core.api import build_api
from pmo.documents.api import router as documents_router
from pmo.finance.api import router as finance_router
from pmo.governance.api import router as governance_router
from pmo.notifications.api import router as notifications_router
from pmo.planning.api import router as planning_router
from pmo.portfolio.api import router as portfolio_router
from pmo.procurement.api import router as procurement_router
from pmo.quality.api import router as quality_router
from pmo.raid.api import router as raid_router
from pmo.resources.api import router as resources_router
from pmo.stakeholders.api import router as stakeholders_router

api = build_api(auth=[BearerToken(), django_auth])
api.add_router("", accounts_router)
api.add_router("", portfolio_router)
api.add_router("", planning_router)
api.add_router("", resources_router)
api.add_router("", raid_router)
api.add_router("", finance_router)
api.add_router("", procurement_router)
api.add_router("", benefits_router)
api.add_router("", documents_router)
api.add_router("", stakeholders_router)
api.add_router("", notifications_router)
api.add_router("", communications_router)
api.add_router("", change_router)
api.add_router("", quality_router)
api.add_router("", governance_router)
api.add_router("", closure_router)
