"""SMTP submission with the standard library: the connection in the saved TLS mode (the
trust store's authorities), authentication when a username is saved, then MAIL, RCPT, DATA.

What a failure means for the message: anything before DATA, or a reply to DATA, is a clear
outcome (not sent: transient for 4xx and connection trouble, refused for 5xx); a connection
lost while DATA is under way leaves the outcome unknown (the server may have queued it)."""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import TYPE_CHECKING

from raccord.core.diagnosis import Diagnosis, Problem, ServiceError
from raccord.core.i18n import Tr

if TYPE_CHECKING:
    from raccord.core.hub import Hub


def _error(problem: Problem, fr: str, en: str, status: int | None = None) -> ServiceError:
    return ServiceError(Diagnosis(problem, Tr(fr, en), status))


class SmtpClient:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.values = hub.values("smtp")

    @property
    def sender(self) -> str:
        return str(self.values.get("sender") or "")

    @property
    def where(self) -> str:
        return f"{self.values.get('host')}:{self.values.get('port')}"

    def missing(self) -> Tr | None:
        if not self.values.get("host") or not self.sender:
            return Tr("Renseignez et enregistrez le serveur SMTP et l'adresse d'envoi (écran "
                      "Serveur SMTP).",
                      "Fill in and save the SMTP host and the sending address (SMTP server "
                      "screen).")
        return None

    @contextmanager
    def session(self) -> Iterator[smtplib.SMTP]:
        """A connected, secured and authenticated session."""
        host, port = str(self.values.get("host") or ""), int(self.values.get("port") or 587)
        mode, timeout = self.values.get("tls_mode") or "starttls", float(
            self.values.get("timeout_s") or 30)
        context = self.hub.trust.ssl_context()
        try:
            smtp: smtplib.SMTP
            if mode == "tls":
                smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
            else:
                smtp = smtplib.SMTP(host, port, timeout=timeout)
        except (OSError, smtplib.SMTPException) as exc:
            raise self._connection_error(exc) from None
        try:
            smtp.ehlo()
            if mode == "starttls":
                if not smtp.has_extn("starttls"):
                    raise _error(Problem.CONFIG,
                                 f"Le serveur {self.where} ne propose pas STARTTLS : choisissez "
                                 "« TLS direct » (port 465) ou vérifiez le port.",
                                 f"The server {self.where} does not offer STARTTLS: choose "
                                 "'Direct TLS' (port 465) or check the port.")
                smtp.starttls(context=context)
                smtp.ehlo()
            if self.values.get("username"):
                self._authenticate(smtp)
            yield smtp
        except smtplib.SMTPAuthenticationError as exc:
            raise _error(Problem.AUTH,
                         f"Le serveur {self.where} refuse l'identifiant ou le mot de passe "
                         f"({exc.smtp_code}) : vérifiez-les et enregistrez-les.",
                         f"The server {self.where} refuses the username or password "
                         f"({exc.smtp_code}): check and save them.", exc.smtp_code) from None
        except smtplib.SMTPNotSupportedError:
            raise _error(Problem.CONFIG,
                         f"Le serveur {self.where} ne propose pas l'authentification sur cette "
                         "connexion : activez STARTTLS ou TLS, ou videz l'identifiant.",
                         f"The server {self.where} offers no authentication on this "
                         "connection: turn STARTTLS or TLS on, or empty the username.") from None
        except (ssl.SSLError, ssl.CertificateError) as exc:
            raise _error(Problem.TLS_OTHER,
                         f"Connexion TLS à {self.where} refusée ({exc}) : importez l'autorité "
                         "du serveur dans la page Certificats.",
                         f"TLS connection to {self.where} refused ({exc}): import the "
                         "server's authority on the Certificates page.") from None
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            raise self._connection_error(exc) from None
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()

    def _authenticate(self, smtp: smtplib.SMTP) -> None:
        """PLAIN when offered (every server does over TLS): one answer, no trying of every
        mechanism in turn after a refusal; smtplib's choice otherwise."""
        user, password = str(self.values["username"]), str(self.values.get("password") or "")
        offered = smtp.esmtp_features.get("auth", "").upper().split()
        if "PLAIN" in offered:
            smtp.user, smtp.password = user, password
            smtp.auth("PLAIN", smtp.auth_plain)
        else:
            smtp.login(user, password)

    def _connection_error(self, exc: BaseException) -> ServiceError:
        if isinstance(exc, ssl.SSLError | ssl.CertificateError):
            return _error(Problem.TLS_OTHER,
                          f"Connexion TLS à {self.where} refusée ({exc}) : importez l'autorité "
                          "du serveur dans la page Certificats, ou vérifiez le mode TLS.",
                          f"TLS connection to {self.where} refused ({exc}): import the "
                          "server's authority on the Certificates page, or check the TLS "
                          "mode.")
        if isinstance(exc, socket.timeout | TimeoutError):
            return _error(Problem.TIMEOUT, f"Le serveur {self.where} ne répond pas (délai).",
                          f"The server {self.where} does not answer (timeout).")
        return _error(Problem.CONNECT,
                      f"Connexion au serveur {self.where} impossible ({exc}) : vérifiez le "
                      "serveur et le port.",
                      f"Cannot connect to the server {self.where} ({exc}): check the host "
                      "and the port.")

    def probe(self) -> str:
        """Connect, secure, authenticate, NOOP: the server's greeting name."""
        with self.session() as smtp:
            smtp.noop()
            return str(smtp.ehlo_resp.decode(errors="replace").splitlines()[0]
                       if smtp.ehlo_resp else self.where)

    def send(self, message: EmailMessage, recipients: list[str]) -> str:
        """Submit the message; returns the server's reply to DATA (its queue id)."""
        sender = str(message.get("Sender") or message.get("From") or self.sender)
        with self.session() as smtp:
            code, reply = smtp.mail(sender)
            if code != 250:
                raise self._refused(code, reply, "MAIL FROM")
            accepted = 0
            for address in recipients:
                code, reply = smtp.rcpt(address)
                if code not in (250, 251):
                    raise self._refused(code, reply, f"RCPT TO {address}")
                accepted += 1
            if not accepted:
                raise _error(Problem.REFUSED, "Aucun destinataire accepté.",
                             "No recipient accepted.")
            try:
                code, reply = smtp.data(message.as_bytes())
            except (OSError, smtplib.SMTPServerDisconnected):
                raise ServiceError(Diagnosis(Problem.OUTCOME_UNKNOWN, Tr(
                    f"La connexion à {self.where} s'est coupée pendant l'envoi du message : "
                    "le serveur l'a peut-être accepté.",
                    f"The connection to {self.where} broke while the message was being sent: "
                    "the server may have accepted it."))) from None
            if code != 250:
                raise self._refused(code, reply, "DATA")
            return reply.decode(errors="replace")

    def _refused(self, code: int, reply: bytes, step: str) -> ServiceError:
        text = reply.decode(errors="replace")
        problem = Problem.SERVER if 400 <= code < 500 else Problem.REFUSED
        return _error(problem, f"Le serveur {self.where} refuse {step} ({code} {text}).",
                      f"The server {self.where} refuses {step} ({code} {text}).", code)
