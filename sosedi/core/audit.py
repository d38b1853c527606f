"""Append-only, hash-chained audit log.

Each event's hash covers its own content and the hash of the event before it, so changing or removing any
row breaks the chain from that row on, and `audit_verify` finds the first broken link.
"""

import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from .models import AuditEvent

GENESIS = "0" * 64


def _canonical(*, created_at, actor_id, actor_label, action, object_type, object_id, payload, prev_hash) -> bytes:
    body = {
        "created_at": created_at.isoformat(),
        "actor": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "payload": payload,
        "prev": prev_hash,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def _hash_of(event: AuditEvent) -> str:
    return hashlib.sha256(
        _canonical(
            created_at=event.created_at,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            payload=event.payload,
            prev_hash=event.prev_hash,
        )
    ).hexdigest()


def _object_ref(obj) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def audit_record(*, actor, action: str, obj=None, payload: dict | None = None) -> AuditEvent:
    """Append one event. Runs in its own atomic block and takes a lock on the chain's tail, so concurrent
    writers queue up and the chain stays linear (PostgreSQL: row lock on the last event; SQLite: the
    database write lock every IMMEDIATE transaction takes)."""
    object_type, object_id = _object_ref(obj)
    # Round-trip through JSON so the hash is computed over exactly what the JSON column will return.
    clean_payload = json.loads(json.dumps(payload or {}, ensure_ascii=False, default=str))
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    # A number, not the e-mail: the journal cannot be changed, and a person deleted on request
    # (152-ФЗ ст. 21) must not stay identifiable in it.
    label = f"пользователь #{actor_id}" if actor_id else "система"
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Serialise appenders: the advisory lock also covers the empty-table case, where no row exists to lock.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x50D5ED1])
        last = AuditEvent.objects.order_by("-seq").values_list("hash", flat=True).first()
        event = AuditEvent(
            created_at=timezone.now(),
            actor_id=actor_id,
            actor_label=label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            payload=clean_payload,
            prev_hash=last or GENESIS,
        )
        event.hash = _hash_of(event)
        event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class AuditVerification:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def audit_verify(batch_size: int = 2000) -> AuditVerification:
    """Walk the whole chain in order; report the first event whose hash or link does not match."""
    prev = GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        if event.prev_hash != prev:
            return AuditVerification(
                False, checked, event.seq, "цепочка прервана: запись перед этой изменена или удалена"
            )
        if _hash_of(event) != event.hash:
            return AuditVerification(False, checked, event.seq, "содержимое записи изменено")
        prev = event.hash
        checked += 1
    return AuditVerification(True, checked)


def audit_for_object(obj):
    object_type, object_id = _object_ref(obj)
    return AuditEvent.objects.filter(object_type=object_type, object_id=object_id).select_related("actor")
