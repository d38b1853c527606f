"""API v1: one NinjaAPI; each app contributes a router with its endpoints."""

from ninja import NinjaAPI

from sosedi.accounts.api import router as accounts_router
from sosedi.initiatives.api import router as initiatives_router
from sosedi.knowledge.api import router as knowledge_router
from sosedi.meetings.api import router as meetings_router
from sosedi.practices.api import router as practices_router
from sosedi.surveys.api import router as surveys_router
from sosedi.territories.api import router as territories_router

from . import errors

DESCRIPTION = """
JSON API платформы «Соседи». Чтение открыто; запись — с токеном: создайте его на странице
[/api/tokens/](/api/tokens/) и передавайте в заголовке `Authorization: Bearer <токен>`.

Ошибки 4xx возвращаются одинаково: `{"detail": "…", "errors": [{"field": "…", "message": "…"}]}` —
в `field` названо поле, в котором ошибка. Списки постраничные: параметры `page` и `page_size`.
Подробнее — docs/api.md в репозитории.
"""

api = NinjaAPI(
    title="«Соседи» API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url="/docs",
)
errors.install(api)
api.add_router("/", territories_router)
api.add_router("/", accounts_router)
api.add_router("/", meetings_router)
api.add_router("/", initiatives_router)
api.add_router("/", surveys_router)
api.add_router("/", knowledge_router)
api.add_router("/", practices_router)
