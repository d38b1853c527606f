"""API tokens: a random key shown once; only its SHA-256 is stored."""

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sosedi.accounts.models import ApiToken
from sosedi.core.audit import audit_record


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, actor, name: str) -> tuple[ApiToken, str]:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["Назовите токен, например «бот ТОС»."]})
    if len(name) > 100:
        raise ValidationError({"name": ["Не длиннее 100 символов."]})
    raw = "sos_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=actor, name=name, key_hash=hash_key(raw), prefix=raw[:8])
    audit_record(actor=actor, action="api_token.create", obj=token, payload={"name": name})
    return token, raw


def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoke", obj=token)
    return token


def user_for_key(raw: str):
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_key(raw), revoked_at__isnull=True, user__is_active=True, user__anonymised_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Touch at most once a minute so a busy client does not turn every read into a write.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
