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
    """Append one event to the chain.

    Writers must be serialised: two writers that read the same tail would both link to it, forking the chain,
    and `audit_verify` would then report the second as broken although nothing was tampered with. So reading
    the tail and inserting the new event happen under one lock, held until the transaction commits:
    - PostgreSQL: a transaction-level advisory lock. It does the job of `select_for_update()` on the last row
      but also works while the table is still empty, when there is no row to lock;
    - SQLite: settings open every transaction with BEGIN IMMEDIATE (`transaction_mode`), which takes the
      database's single write lock before the tail is read, so a second writer waits (busy timeout).
    Called inside a service's atomic block, the lock lasts until that outer transaction ends.
    """
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
