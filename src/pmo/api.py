"""The ``/api/v1/`` application: one NinjaAPI, one router per app."""

from pmo.accounts.api import router as accounts_router
from pmo.core.api import build_api
from pmo.portfolio.api import router as portfolio_router

api = build_api()
api.add_router("", accounts_router)
api.add_router("", portfolio_router)
