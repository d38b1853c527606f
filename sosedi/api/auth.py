"""API authentication: bearer tokens for writes; `/me` also accepts the signed-in browser session."""

from ninja.security import HttpBearer, django_auth

from .tokens import user_for_key


class TokenAuth(HttpBearer):
    openapi_description = "Токен из раздела «API-токены» (/api/tokens/): `Authorization: Bearer <токен>`."

    def authenticate(self, request, token):
        user = user_for_key(token)
        if user is None:
            return None
        request.user = user
        return user


TOKEN_OR_SESSION = [TokenAuth(), django_auth]
