"""API v1: one NinjaAPI; each app contributes a router with its endpoints."""

from ninja import NinjaAPI

from sosedi.accounts.api import router as accounts_router
from sosedi.territories.api import router as territories_router

api = NinjaAPI(title="«Соседи» API", version="1", urls_namespace="api")
api.add_router("/", territories_router)
api.add_router("/", accounts_router)
