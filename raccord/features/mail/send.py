"""Sending one queued message, exactly once.

1. The row is claimed by a conditional update (`queued` → `sending`, attempts + 1, the
   transport and sender written) and committed *before* the service is called: two jobs for
   one message never both send it, and a worker killed mid-send leaves a `sending` row.
2. The call. Gmail has no idempotency key, so an outcome that cannot be known (the answer
   lost, the worker killed) is never answered by sending again blindly: the message is
   looked up in the sending mailbox by the Message-ID raccord wrote into it (Gmail with the
   `search_sent` setting, scope gmail.readonly): found, it is `sent`; absent, it goes back to
   `queued`. Where the service cannot be asked (SMTP, Gmail without the scope) it becomes
   `unknown`, for a person to check and decide (console: send again, or mark as sent).
3. Each call is tried once (the core's one retry policy for background work): a transient
   failure puts the message back to `queued` for a later try (`RETRY_DELAYS_S`, or the
   service's Retry-After), the attempts counted on the row, up to `MAX_ATTEMPTS` in all; a
   refusal makes it `failed` with the reason, and the interface's status (so an alert)
   says it. A spent daily limit holds it
   until Google's day turns, without counting an attempt."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, select, update
from sqlalchemy.orm.attributes import set_committed_value

from raccord.core import formats
from raccord.core.alerts import clear_alert, raise_alert
from raccord.core.diagnosis import Problem, ServiceError
from raccord.core.i18n import Tr
from raccord.core.models import aware, utcnow
from raccord.core.outbox import MailAttachment, MailEvent, MailMessage, wake
from raccord.core.ratelimit import QuotaExhausted
from raccord.features.mail import transport as transports
from raccord.features.mail.mime import build_message, recipients

if TYPE_CHECKING:
    from raccord.core.hub import Hub

log = logging.getLogger("raccord.mail")
MAX_ATTEMPTS = 5
RETRY_DELAYS_S = (10, 60, 300, 1800)
# A message `sending` for longer than this was left by a worker that died.
LEASE_S = 300


def _tr(reason: Tr) -> dict[str, str]:
    return {"fr": reason.fr, "en": reason.en}


def _event(session: Any, message_id: int, state: str, **detail: Any) -> None:
    session.add(MailEvent(message=message_id, state=state, detail=detail or None))


def _move(hub: Hub, message_id: int, state: str, *, reason: Tr | None = None,
          remote_id: str | None = None, next_attempt_at: datetime | None = None,
          uncount: bool = False, **detail: Any) -> str:
    now = utcnow()
    values: dict[str, Any] = {"state": state, "updated_at": now, "next_attempt_at":
                              next_attempt_at, "reason": _tr(reason) if reason else None}
    if state != "sending":
        values["sending_since"] = None
    if remote_id is not None:
        values["remote_id"] = remote_id
        detail["remote_id"] = remote_id
    if state == "sent":
        values["sent_at"] = now
    if uncount:
        values["attempts"] = case((MailMessage.attempts > 0, MailMessage.attempts - 1),
                                  else_=0)
    if reason is not None:
        detail["reason"] = _tr(reason)
    with hub.db.session() as session:  # one update and its event, no read before
        moved = session.execute(  # type: ignore[attr-defined]
            update(MailMessage).where(MailMessage.id == message_id).values(**values)
            .execution_options(synchronize_session=False)).rowcount
        if not moved:
            return "gone"
        _event(session, message_id, state, **detail)
    return state


@dataclass
class _Claimed:
    row: MailMessage
    attachments: list[MailAttachment]
    # The way out the preferences choose, or why none may send.
    transport: transports.Transport | None
    refusal: ServiceError | None


def _claim(hub: Hub, message_id: int) -> _Claimed | None:
    """`queued` → `sending` by a conditional update, the transport chosen and the attempt
    recorded in the same transaction (committed before the service is called)."""
    now = utcnow()
    with hub.db.session() as session:
        row = session.get(MailMessage, message_id)
        if row is None or row.state != "queued":
            return None
        if row.next_attempt_at is not None and aware(row.next_attempt_at) > now:
            return None  # a retry not due yet: its own delayed job (or the sweep) comes back
        transport, refusal = None, None
        try:
            transport = transports.choose(hub, row.sender)
        except ServiceError as error:
            refusal = error
        values: dict[str, Any] = {"state": "sending", "sending_since": now, "updated_at": now}
        if transport is not None:
            values.update(transport=transport.interface, sender=transport.sender)
        attempts = session.scalar(
            update(MailMessage).where(MailMessage.id == message_id,
                                      MailMessage.state == "queued")
            .values(attempts=MailMessage.attempts + 1, **values)
            .returning(MailMessage.attempts).execution_options(synchronize_session=False))
        if attempts is None:
            return None
        values["attempts"] = attempts
        for name, value in values.items():  # the row as it now is, without reading it again
            set_committed_value(row, name, value)
        if transport is not None:
            _event(session, row.id, "sending", attempt=row.attempts,
                   transport=transport.interface)
        parts = list(session.scalars(select(MailAttachment).where(
            MailAttachment.message == message_id).order_by(MailAttachment.id)))
        return _Claimed(row, parts, transport, refusal)


def send_message(hub: Hub, message_id: int) -> str:
    """Carry one message one step on; returns the state it is left in (or why nothing)."""
    claimed = _claim(hub, message_id)
    if claimed is None:
        return "skipped"
    row, transport = claimed.row, claimed.transport
    if transport is None:
        assert claimed.refusal is not None
        return _refused(hub, row, None, claimed.refusal)
    message = build_message(hub, row, claimed.attachments, transport.sender,
                            with_bcc=transport.with_bcc)
    try:
        remote_id = transport.send(message, recipients(row))
    except QuotaExhausted as spent:
        return _held(hub, row, transport, spent)
    except ServiceError as error:
        if error.diagnosis.problem is Problem.OUTCOME_UNKNOWN:
            return reconcile(hub, row.id, error.diagnosis.message)
        if error.diagnosis.transient:
            return _retry(hub, row, error)
        return _refused(hub, row, transport, error)
    state = _move(hub, row.id, "sent", remote_id=remote_id)
    hub.record_status(transport.interface, True, "mail", Tr("Courriel envoyé.", "Mail sent."))
    if transport.interface == "gmail":
        _watch_daily_limit(hub, transport)
    return state


def _retry(hub: Hub, row: MailMessage, error: ServiceError) -> str:
    if row.attempts >= MAX_ATTEMPTS:
        reason = error.diagnosis.message + Tr(f"({row.attempts} essais : abandon.)",
                                              f"({row.attempts} tries: given up.)")
        return _move(hub, row.id, "failed", reason=reason)
    # The service's Retry-After when it gives one (Gmail's per-second quota: a second),
    # else a growing delay.
    delay = error.diagnosis.retry_after if error.diagnosis.retry_after is not None else \
        RETRY_DELAYS_S[min(row.attempts, len(RETRY_DELAYS_S)) - 1]
    _move(hub, row.id, "queued", reason=error.diagnosis.message,
          next_attempt_at=utcnow() + timedelta(seconds=delay), retry_in_s=delay)
    wake(hub, row.id, delay_s=delay)
    return "queued"


def _held(hub: Hub, row: MailMessage, transport: transports.Transport,
          spent: QuotaExhausted) -> str:
    resumes = datetime.fromtimestamp(spent.resets_at, UTC)
    reason = Tr(f"Limite d'envoi quotidienne de {transport.sender} atteinte : le message part "
                f"à la reprise ({formats.moment(resumes, 'fr')}).",
                f"Daily sending limit of {transport.sender} reached: the message goes when it "
                f"resumes ({formats.moment(resumes, 'en')}).")
    raise_alert(hub, f"quota:gmail:{transport.sender}", interface="gmail", severity="warning",
                message=reason)
    delay = max(1.0, spent.resets_at - datetime.now().timestamp())
    _move(hub, row.id, "queued", reason=reason, uncount=True,
          next_attempt_at=utcnow() + timedelta(seconds=delay))
    wake(hub, row.id, delay_s=delay)
    return "held"


def _watch_daily_limit(hub: Hub, transport: transports.Transport) -> None:
    """A warning alert once the mailbox has used `near_limit_percent` of its daily limit."""
    if transport.daily is None:
        return
    used, limit = hub.limiter.usage("gmail", transport.daily)
    near = transport.near_percent
    key = f"quota:gmail:{transport.sender}"
    if used * 100 >= limit * near:
        sent = formats.counted(used, Tr("message", "message"), Tr("messages", "messages"))
        raise_alert(hub, key, interface="gmail", severity="warning", message=Tr(
            f"{transport.sender} a envoyé {sent.fr} aujourd'hui sur "
            f"{formats.number(limit, 'fr')} permis par Google : au-delà, les messages "
            "attendront le lendemain.",
            f"{transport.sender} sent {sent.en} today out of the {formats.number(limit, 'en')}"
            " Google allows: beyond it, messages wait for the next day."))
    else:
        clear_alert(hub, key)


def _refused(hub: Hub, row: MailMessage, transport: transports.Transport | None,
             error: ServiceError) -> str:
    reason = error.diagnosis.message
    log.warning("mail %s not sent: %s", row.id, reason.en)
    state = _move(hub, row.id, "failed", reason=reason)
    interface = transport.interface if transport is not None else (
        "gmail" if hub.values("gmail").get("mail_application") == "gmail" else "smtp")
    # A refused key, a missing delegation, a precondition: the interface's status says it,
    # so the alert does (a message too big or a bad address is this message's own fault).
    if error.diagnosis.problem is not Problem.REFUSED:
        hub.record_status(interface, False, "mail", reason)
    return state


def reconcile(hub: Hub, message_id: int, why: Tr) -> str:
    """A message whose send may or may not have happened: ask the service, or a person."""
    with hub.db.session() as session:
        row = session.get(MailMessage, message_id)
        if row is None or row.state != "sending":
            return "skipped"
        name, sender, header = row.transport, row.sender, row.message_id
    transport = transports.named(hub, name, sender)
    if transport is None or transport.find is None:
        return _move(hub, message_id, "unknown", reason=why + Tr(
            "Le service ne peut pas dire s'il l'a reçu : vérifiez chez le destinataire, puis "
            "renvoyez-le ou marquez-le envoyé.",
            "The service cannot tell whether it received it: check with the recipient, then "
            "send it again or mark it as sent."))
    try:
        found = transport.find(header)
    except ServiceError as error:
        if error.diagnosis.transient:
            return "sending"  # the next sweep asks again
        return _move(hub, message_id, "unknown", reason=why + error.diagnosis.message)
    if found is not None:
        return _move(hub, message_id, "sent", remote_id=found, reconciled=True)
    _move(hub, message_id, "queued", reason=why + Tr(
        "Absent de la boîte d'envoi : il sera envoyé à nouveau.",
        "Not in the sending mailbox: it will be sent again."), reconciled=True)
    wake(hub, message_id)
    return "queued"


def sweep(hub: Hub, lease_s: float = LEASE_S) -> dict[str, int]:
    """Reconcile what dying workers left `sending`; wake what waits `queued` past its time
    (a lost wake-up, a mail queued by a process that sends none)."""
    now = utcnow()
    counts = {"reconciled": 0, "woken": 0}
    with hub.db.session() as session:
        stuck = list(session.scalars(select(MailMessage.id).where(
            MailMessage.state == "sending",
            MailMessage.sending_since < now - timedelta(seconds=lease_s))))
        waiting = list(session.scalars(select(MailMessage.id).where(
            MailMessage.state == "queued", MailMessage.updated_at < now - timedelta(seconds=60),
            (MailMessage.next_attempt_at.is_(None)) | (MailMessage.next_attempt_at <= now))))
    for message_id in stuck:
        reconcile(hub, message_id, Tr("L'envoi a été interrompu (processus arrêté).",
                                      "The send was interrupted (process stopped)."))
        counts["reconciled"] += 1
    for message_id in waiting:
        wake(hub, message_id)
        counts["woken"] += 1
    counts["alerts_resent"] = _resend_alert_mails(hub)
    return counts


def _resend_alert_mails(hub: Hub) -> int:
    """Alert mails refused while the mail service itself was broken go out once it works
    again (its status turned good after they failed), within a day."""
    name = "gmail" if hub.values("gmail").get("mail_application") == "gmail" else "smtp"
    status = hub.status(name)
    if status is None or not status.ok:
        return 0
    since = max(aware(status.at) - timedelta(days=1), utcnow() - timedelta(days=1))
    with hub.db.session() as session:
        failed = list(session.scalars(select(MailMessage.id).where(
            MailMessage.origin == "alerts", MailMessage.state == "failed",
            MailMessage.updated_at < aware(status.at), MailMessage.updated_at > since)))
    return sum(resend(hub, message_id, "raccord") for message_id in failed)


def resend(hub: Hub, message_id: int, actor: str) -> bool:
    """A person's decision on a `failed` or `unknown` message: send it (again)."""
    with hub.db.session() as session:
        row = session.get(MailMessage, message_id)
        if row is None or row.state not in ("failed", "unknown"):
            return False
        row.state, row.reason, row.next_attempt_at, row.attempts = "queued", None, None, 0
        row.updated_at = utcnow()
        _event(session, message_id, "queued", by=actor, action="resend")
    wake(hub, message_id)
    return True


def mark_sent(hub: Hub, message_id: int, actor: str) -> bool:
    """A person checked that an `unknown` message arrived."""
    with hub.db.session() as session:
        row = session.get(MailMessage, message_id)
        if row is None or row.state != "unknown":
            return False
    _move(hub, message_id, "sent", by=actor, action="marked sent")
    return True
