"""Universign REST API v1: the API key as HTTP Basic user with an empty password (or an account
login and password), or as a Bearer token; form-encoded requests, multipart uploads, JSON
answers. Features get typed results (`Transaction`, `Action`, `DocumentRef`): the wire format
stays here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import httpx

from raccord.core.diagnosis import Diagnosis, Problem, ServiceError
from raccord.core.http import RetryPolicy
from raccord.core.i18n import Tr

if TYPE_CHECKING:
    from raccord.core.hub import Hub

READ = RetryPolicy(attempts=2, delay_s=0.5)
# Creating has no idempotency key: never resend once it may have arrived (the transaction is
# looked for by its metadata instead).
WRITE = RetryPolicy(attempts=2, delay_s=0.5, idempotent=False)
OPEN_STATES = frozenset({"draft", "started", "paused"})
PAGE = 100
# One try per call: what background work uses (it re-queues, or waits for the next run,
# instead of waiting in a thread).
ONE_TRY = RetryPolicy()


@dataclass(frozen=True)
class Action:
    """What one participant has to do (sign) and where they are with it."""

    participant: str
    state: str  # waiting, open, closed (done), stalled (refused)
    reason: str = ""  # stalled: signature_refusal, action_refusal...
    comment: str = ""
    at: str | None = None


@dataclass(frozen=True)
class DocumentRef:
    id: str
    name: str
    fields: tuple[tuple[str, str], ...] = ()  # (field id, field name)

    def field(self, name: str) -> str | None:
        return next((fid for fid, fname in self.fields if fname == name), None)


@dataclass(frozen=True)
class Transaction:
    id: str
    state: str
    stalled: bool = False
    name: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    documents: tuple[DocumentRef, ...] = ()
    participants: tuple[str, ...] = ()
    signatures: tuple[tuple[str, str], ...] = ()  # (signer e-mail, field id)
    actions: tuple[Action, ...] = ()
    updated_at: str = ""

    @property
    def open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def signed_by(self) -> set[str]:
        return {a.participant for a in self.actions if a.state == "closed"}

    @property
    def refusal(self) -> Action | None:
        return next((a for a in self.actions if a.state == "stalled"), None)

    def document(self, name: str) -> DocumentRef | None:
        return next((d for d in self.documents if d.name == name), None)


def transaction_of(body: dict[str, Any]) -> Transaction:
    documents = tuple(DocumentRef(str(d.get("id")), str(d.get("name") or ""),
                                  tuple((str(f.get("id")), str(f.get("name") or ""))
                                        for f in d.get("fields") or ()))
                      for d in body.get("documents") or ())
    instructions = body.get("instructions") or {}
    signatures = tuple((str(s.get("signer")), str(s.get("field")))
                       for s in instructions.get("signatures") or ())
    actions = tuple(Action(str(a.get("participant") or a.get("email") or ""),
                           str(a.get("state") or ""), str(a.get("stalled_reason") or ""),
                           str(a.get("comment") or ""), a.get("closed_at") or a.get("stalled_at"))
                    for a in body.get("actions") or ())
    metadata = {str(k): str(v) for k, v in (body.get("metadata") or {}).items()}
    return Transaction(id=str(body["id"]), state=str(body.get("state") or ""),
                       stalled=bool(body.get("stalled")), name=str(body.get("name") or ""),
                       metadata=metadata, documents=documents,
                       participants=tuple(str(p.get("email")) for p in
                                          body.get("participants") or ()),
                       signatures=signatures, actions=actions,
                       updated_at=str(body.get("updated_at") or body.get("created_at") or ""))


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    text = body.get("error_description") or body.get("message") or body.get("error") or ""
    return str(text)


class UniversignClient:
    def __init__(self, hub: Hub, values: dict[str, Any] | None = None,
                 retry: RetryPolicy | None = None) -> None:
        self.values = values if values is not None else hub.values("signature")
        # Background jobs give ONE_TRY; None: a read is tried twice, for a person waiting.
        self.retry = retry
        self.http = hub.outgoing("signature", timeout=float(self.values.get("timeout_s") or 30))
        self.last_error = ""
        self._connection: httpx.Client | None = None

    def __enter__(self) -> UniversignClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _client(self) -> httpx.Client:
        """One connection kept open for the client's calls (a run makes thousands)."""
        if self._connection is None:
            self._connection = self.http.client()
        return self._connection

    @property
    def base(self) -> str:
        return str(self.values["url"]).rstrip("/")

    def _detail(self, response: httpx.Response) -> str:
        self.last_error = _message(response)
        return self.last_error

    def _auth(self) -> dict[str, Any]:
        user = str(self.values.get("user") or "")
        password = str(self.values.get("password") or "")
        if self.values.get("auth_scheme") == "bearer" and not password:
            return {"headers": {"Accept": "application/json",
                                "Authorization": f"Bearer {user}"}}
        return {"auth": (user, password), "headers": {"Accept": "application/json"}}

    def _send(self, method: str, path: str, retry: RetryPolicy, **kwargs: Any
              ) -> httpx.Response:
        self.last_error = ""
        if self.retry is not None:  # its tries, the call's own idempotency
            retry = replace(self.retry, idempotent=retry.idempotent)
        try:
            return self.http.request(method, f"{self.base}{path}", retry=retry,
                                     client=self._client(), detail=self._detail,
                                     **self._auth(), **kwargs)
        except ServiceError as error:
            raise ServiceError(universign_refusal(error.diagnosis)) from None

    def _call(self, method: str, path: str, retry: RetryPolicy, **kwargs: Any) -> Any:
        return self._send(method, path, retry, **kwargs).json()

    # -- reading -------------------------------------------------------------------------
    def transactions(self, metadata: dict[str, str] | None = None,
                     updated_since: str | None = None, limit: int = PAGE
                     ) -> Iterator[Transaction]:
        """The workspace's transactions, newest first, page by page (`starting_after`)."""
        params: dict[str, str] = {"limit": str(limit)}
        for key, value in (metadata or {}).items():
            params[f"metadata[{key}]"] = value
        if updated_since:
            params["updated_since"] = updated_since
        while True:
            page = self._call("GET", "/v1/transactions", READ, params=params)
            rows = page.get("data") or []
            for row in rows:
                yield transaction_of(row)
            if not page.get("has_more") or not rows:
                return
            params["starting_after"] = str(rows[-1]["id"])

    def first_page(self) -> int:
        """How many transactions the first page lists: the Test's harmless call."""
        return len(self._call("GET", "/v1/transactions", READ).get("data") or [])

    def transaction(self, transaction_id: str) -> Transaction | None:
        """The transaction, or None when Universign does not know it."""
        try:
            body = self._call("GET", f"/v1/transactions/{transaction_id}", READ)
        except ServiceError as error:
            if error.diagnosis.problem is Problem.NOT_FOUND and self.last_error:
                return None  # Universign's own "not found", not a wrong URL
            raise
        return transaction_of(body)

    def download_document(self, transaction_id: str, document_id: str, archived: bool
                          ) -> bytes:
        path = (f"/v1/archives/{transaction_id}/documents/{document_id}/download" if archived
                else f"/v1/transactions/{transaction_id}/archive/documents/{document_id}"
                     "/download")
        return self._send("GET", path, READ).content

    def attestation(self, transaction_id: str, finished: bool, language: str = "fr") -> bytes:
        """The requester attestation: from the archive once completed, else (cancelled,
        expired) from the transaction."""
        path = (f"/v1/archives/{transaction_id}/requester-attestation" if finished
                else f"/v1/transactions/{transaction_id}/requester-attestation")
        return self._send("GET", path, READ, params={"lang": language}).content

    def jwks(self) -> dict[str, Any]:
        """The public keys Universign signs its webhooks with."""
        data: dict[str, Any] = self._call("GET", "/v1/webhooks/jwks.json", READ)
        return data

    # -- building and moving a transaction -------------------------------------------------
    def create_transaction(self, name: str, language: str = "fr",
                           metadata: dict[str, str] | None = None,
                           expires_at: str | None = None) -> Transaction:
        """A draft transaction (documents, fields and participants are added to it next)."""
        form: dict[str, str] = {"name": name, "language": language}
        if expires_at:
            form["expires_at"] = expires_at
        for key, value in (metadata or {}).items():
            form[f"metadata[{key}]"] = value
        return transaction_of(self._call("POST", "/v1/transactions", WRITE, data=form))

    def upload_file(self, file_name: str, content: bytes) -> str:
        """Upload a PDF (kept 24 h by Universign); its `file_...` id."""
        body = self._call("POST", "/v1/files", WRITE,
                          files={"file": (file_name, content, "application/pdf")})
        return str(body["id"])

    def add_document(self, transaction_id: str, file_id: str, name: str) -> DocumentRef:
        body = self._call("POST", f"/v1/transactions/{transaction_id}/documents", WRITE,
                          data={"document": file_id, "name": name})
        return DocumentRef(str(body["id"]), str(body.get("name") or name))

    def add_field(self, transaction_id: str, document_id: str, name: str, *,
                  page: int | None = None, x: int | None = None, y: int | None = None,
                  anchor: str | None = None) -> str:
        form: dict[str, str] = {"type": "signature", "name": name}
        if anchor:
            form["anchor"] = anchor
        elif page is not None:
            form.update(page=str(page), x=str(x or 0), y=str(y or 0))
        body = self._call("POST", f"/v1/transactions/{transaction_id}/documents/{document_id}"
                          "/fields", WRITE, data=form)
        return str(body["id"])

    def add_participant(self, transaction_id: str, email: str, full_name: str,
                        phone: str | None, level: str) -> None:
        form = {"email": email, "full_name": full_name, "full_name_type": "prerequisite",
                "min_signature_level": level}
        if phone:
            form.update(phone_number=phone, phone_number_type="prerequisite")
        self._call("POST", f"/v1/transactions/{transaction_id}/participants", WRITE, data=form)

    def add_signature(self, transaction_id: str, signer: str, field_id: str) -> None:
        self._call("POST", f"/v1/transactions/{transaction_id}/signatures", WRITE,
                   data={"signer": signer, "field": field_id})

    def set_sequencing(self, transaction_id: str, ordered: bool) -> None:
        """Sign one after the other (in the participants' order) or all at once."""
        self._call("POST", f"/v1/transactions/{transaction_id}", WRITE,
                   data={"sequencing": "ordered" if ordered else "parallel"})

    def start(self, transaction_id: str) -> Transaction:
        return transaction_of(self._call("POST", f"/v1/transactions/{transaction_id}/start",
                                         WRITE))

    def cancel(self, transaction_id: str) -> Transaction:
        return transaction_of(self._call("POST", f"/v1/transactions/{transaction_id}/cancel",
                                         WRITE))

    def remind(self, transaction_id: str) -> None:
        """Send the participants whose turn it is a reminder."""
        self._call("POST", f"/v1/transactions/{transaction_id}/remind", WRITE)


def universign_refusal(diagnosis: Diagnosis) -> Diagnosis:
    if diagnosis.problem is Problem.AUTH:
        return Diagnosis(Problem.AUTH, Tr(
            "Universign refuse l'authentification (HTTP 401) : vérifiez l'Utilisateur "
            "universign (la clé d'API, créée dans l'application Universign, menu Développeur > "
            "Clés d'API) et laissez le Mot de passe vide avec une clé d'API.",
            "Universign refuses the authentication (HTTP 401): check the Universign user (the "
            "API key, created in the Universign web app, Developer menu > API keys) and leave "
            "the password empty with an API key."), 401)
    if diagnosis.problem is Problem.FORBIDDEN:
        return Diagnosis(Problem.FORBIDDEN, Tr(
            "Clé d'API Universign reconnue mais sans droit sur les transactions (HTTP 403) : "
            "créez la clé avec un compte administrateur ou intégrateur de l'espace de travail.",
            "Universign API key known but without rights on transactions (HTTP 403): create "
            "the key with an administrator or integrator account of the workspace."), 403)
    if diagnosis.problem is Problem.NOT_FOUND:
        return Diagnosis(Problem.NOT_FOUND, diagnosis.message + Tr(
            "L'URL Universign est https://api.universign.com (préproduction : "
            "https://api.alpha.universign.com), sans /v1.",
            "The Universign URL is https://api.universign.com (pre-production: "
            "https://api.alpha.universign.com), without /v1."), 404)
    return diagnosis
