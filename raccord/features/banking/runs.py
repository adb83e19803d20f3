"""One run of the bank fetch: banks and balances, every active account's transactions, the
automatic statements, then the execution log (recorded, and mailed to the log address)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from raccord.core import formats
from raccord.core.diagnosis import ServiceError
from raccord.core.i18n import DEFAULT_LANGUAGE, Tr
from raccord.core.models import utcnow
from raccord.features.banking import fetch, notify
from raccord.features.banking.bridge import BankRefusal, BridgeSession, open_session
from raccord.features.banking.models import BankAccount, BankRun, BankStatement
from raccord.features.banking.periods import Period, finished_ends
from raccord.features.banking.statements import Request, generate
from raccord.features.banking.sync import BankNews, refresh_banks
from raccord.interfaces.bank.records import STATE_TEXTS

if TYPE_CHECKING:
    from raccord.core.hub import Hub

FIX_TODO = Tr("Ouvrez la page Banques de la console et cliquez « Réparer » à côté de la "
              "banque : le titulaire du compte s'y authentifie de nouveau auprès de sa banque.",
              "Open the console's Banks page and click 'Fix' beside the bank: the account "
              "holder authenticates again with the bank there.")


@dataclass
class RunReport:
    id: int
    counts: Counter[str] = field(default_factory=Counter)
    problems: list[dict[str, Any]] = field(default_factory=list)
    notes: list[Tr] = field(default_factory=list)
    mail_state: str = ""
    started_at: datetime = field(default_factory=utcnow)
    # Each account fetched, with the balance Bridge gave: {"account", "cents", "currency",
    # "at"}.
    balances: list[dict[str, Any]] = field(default_factory=list)

    def problem(self, where: str, message: Tr, todo: Tr) -> None:
        self.problems.append({"account": where, "fr": message.fr, "en": message.en,
                              "todo_fr": todo.fr, "todo_en": todo.en})

    def as_dict(self) -> dict[str, Any]:
        return {"run": self.id, "counts": dict(self.counts), "problems": self.problems,
                "mail": self.mail_state}


def active_accounts(hub: Hub, item_id: int | None = None) -> list[BankAccount]:
    with hub.db.session() as session:
        query = select(BankAccount).where(BankAccount.removed.is_(False)).order_by(
            BankAccount.id)
        if item_id is not None:
            query = query.where(BankAccount.item_id == item_id)
        return list(session.scalars(query))


def run(hub: Hub, trigger: str = "schedule", item_id: int | None = None,
        statements: bool = True) -> RunReport:
    with hub.db.session() as session:
        row = BankRun(trigger=trigger, counts={}, problems=[])
        session.add(row)
        session.flush()
        report = RunReport(row.id, started_at=row.started_at)
    if not hub.values("bank").get("enabled"):
        report.problem("", Tr("La connexion bancaire n'est pas activée : rien n'est récupéré.",
                              "The bank connection is not enabled: nothing is fetched."),
                       Tr("Cochez « Activer la connexion bancaire » sur l'écran Connexion "
                          "bancaire.", "Tick 'Enable the bank connection' on the Bank "
                          "connection screen."))
        return _finish(hub, report)
    try:
        bridge = open_session(hub)  # closed by the `with` below
    except (BankRefusal, ServiceError) as error:
        return _finish(hub, _cannot_start(report, error))
    with bridge:
        try:
            news = refresh_banks(hub, bridge)
        except ServiceError as error:
            return _finish(hub, _cannot_start(report, error))
        _report_news(report, news)
        for account in active_accounts(hub, item_id):
            _fetch_one(hub, bridge, account, report)
    if statements:
        _auto_statements(hub, report, item_id)
    return _finish(hub, report)


def log_news(hub: Hub, trigger: str, news: BankNews) -> RunReport:
    """A run that only looked at the banks (back from Bridge's pages): its log says what it
    found."""
    with hub.db.session() as session:
        row = BankRun(trigger=trigger, counts={}, problems=[])
        session.add(row)
        session.flush()
        report = RunReport(row.id)
    _report_news(report, news)
    return _finish(hub, report)


def _cannot_start(report: RunReport, error: BankRefusal | ServiceError) -> RunReport:
    if isinstance(error, BankRefusal):
        report.problem("", error.message, Tr("Voir le message.", "See the message."))
        return report
    report.problem("", error.diagnosis.message, Tr(
        "La récupération reprendra à la prochaine exécution ; si l'erreur persiste, lancez le "
        "Test de l'écran Connexion bancaire.",
        "The fetch resumes at the next run; if the error remains, run the Test of the Bank "
        "connection screen."))
    return report


GONE_TODO = Tr("Ses transactions et relevés restent dans raccord. Si elle doit rester "
               "suivie, connectez-la de nouveau depuis la page Banques ; sinon rien à faire.",
               "Its transactions and statements stay in raccord. If it must still be "
               "followed, connect it again from the Banks page; otherwise nothing to do.")


def _report_news(report: RunReport, news: BankNews) -> None:
    """Banks that need their holder, and whatever Bridge no longer has: in the log (and so
    in the mail to the log address) at every run while it lasts, never dropped silently."""
    for alert in news.holder_needed:
        report.problem(alert.name, STATE_TEXTS[alert.state], FIX_TODO)
        report.counts["banks_needing_holder"] += 1
    for name in news.repaired:
        report.notes.append(Tr(f"Banque {name} : de nouveau connectée, l'alerte est levée.",
                               f"Bank {name}: connected again, its alert is over."))
        report.counts["banks_repaired"] += 1
    for name in news.gone_banks:
        report.problem(name, Tr(
            "Banque que Bridge n'a plus (retirée par son titulaire ou par Bridge) : ses "
            "comptes ne sont plus récupérés.",
            "A bank Bridge no longer has (removed by its holder or by Bridge): its accounts "
            "are no longer fetched."), GONE_TODO)
        report.counts["banks_gone"] += 1
    for label in news.gone_accounts:
        report.problem(label, Tr(
            "Compte que Bridge n'a plus (fermé ou retiré par la banque) : il n'est plus "
            "récupéré.",
            "An account Bridge no longer has (closed, or withdrawn by the bank): it is no "
            "longer fetched."), GONE_TODO)
        report.counts["accounts_gone"] += 1
    if news.new_accounts:
        report.counts["accounts_new"] += news.new_accounts


def _fetch_one(hub: Hub, bridge: BridgeSession, account: BankAccount, report: RunReport) -> None:
    label = f"{account.name} ({account.iban or account.bridge_id})"
    if account.paused:
        report.counts["accounts_paused"] += 1
        return
    if not (account.company_code and account.journal_code):
        report.counts["accounts_unassigned"] += 1
        report.problem(label, Tr("Compte non affecté : ses transactions ne sont pas "
                                 "récupérées.",
                                 "Account not assigned: its transactions are not fetched."),
                       Tr("Affectez-le à une société et à un code journal de banque sur la "
                          "page Banques.",
                          "Assign it to a company and a bank journal code on the Banks page."))
        return
    try:
        applied = fetch.fetch_account(hub, bridge, account.id, report.id)
    except fetch.AccountBusy:
        report.counts["accounts_busy"] += 1
        return
    except fetch.LeaseLost:
        report.counts["accounts_busy"] += 1
        return
    except ServiceError as error:
        _account_error(hub, account.id, error.diagnosis.message)
        report.problem(label, error.diagnosis.message, Tr(
            "Rien n'a été enregistré pour ce compte : la prochaine exécution reprend au même "
            "point.",
            "Nothing was stored for this account: the next run resumes from the same "
            "point."))
        return
    report.counts["accounts_fetched"] += 1
    report.balances.append({"account": label, "cents": account.balance_cents,
                            "currency": account.currency, "at": account.balance_at})
    report.counts["calls"] += applied.calls
    for key, value in applied.as_counts().items():
        report.counts[key] += value


def _account_error(hub: Hub, account_id: int, message: Tr) -> None:
    with hub.db.session() as session:
        row = session.get(BankAccount, account_id)
        if row is not None:
            row.last_error = {"fr": message.fr, "en": message.en, "at": utcnow().isoformat()}


def _auto_statements(hub: Hub, report: RunReport, item_id: int | None) -> None:
    chosen = str(hub.values("bank").get("statement_period") or "none")
    if chosen == "none":
        return
    period = Period(chosen)
    by = hub.technical_actor("bank").login
    today = date.today()
    for account in active_accounts(hub, item_id):
        if account.paused or not (account.company_code and account.journal_code):
            continue
        with hub.db.session() as session:
            last = session.scalar(select(BankStatement.period_end).where(
                BankStatement.account_id == account.id).order_by(
                BankStatement.number.desc()).limit(1))
        after = last if last is not None else account.statements_from - timedelta(days=1)
        for end in finished_ends(period, after, today):
            try:
                generate(hub, Request(account.id, period, end), by, today)
            except BankRefusal as refusal:
                report.problem(account.name, refusal.message, Tr("Voir le message.",
                                                                 "See the message."))
                break
            report.counts["statements"] += 1


def log_text(report: RunReport, lang: str) -> str:
    """The execution log in one language, its figures, amounts and times written the way
    that language writes them (raccord.core.formats)."""
    c = report.counts
    fr = lang == "fr"

    def n(key: str) -> str:
        return formats.number(c[key], lang)

    when = formats.moment(report.started_at, lang)
    lines = [
        (f"Exécution {report.id} de la récupération bancaire, commencée le {when}" if fr
         else f"Bank fetch run {report.id}, started on {when}"),
        (f"Comptes récupérés : {n('accounts_fetched')}" if fr
         else f"Accounts fetched: {n('accounts_fetched')}"),
        (f"Transactions ajoutées : {n('added')}, modifiées : {n('updated')}, comptabilisées "
         f"(en attente → passées) : {n('booked')}, supprimées : {n('deleted')}" if fr else
         f"Transactions added: {n('added')}, updated: {n('updated')}, booked (pending → "
         f"booked): {n('booked')}, deleted: {n('deleted')}"),
        (f"Relevés générés : {n('statements')}" if fr else
         f"Statements generated: {n('statements')}"),
    ]
    for key, fr_text, en_text in (("accounts_paused", "Comptes en pause", "Accounts paused"),
                                  ("accounts_busy", "Comptes déjà en cours ailleurs",
                                   "Accounts being fetched elsewhere"),
                                  ("accounts_new", "Nouveaux comptes chez Bridge",
                                   "New accounts at Bridge"),
                                  ("banks_needing_holder", "Banques à reconnecter par leur "
                                   "titulaire", "Banks their holder must reconnect")):
        if c[key]:
            lines.append(f"{fr_text} : {n(key)}" if fr else f"{en_text}: {n(key)}")
    lines.extend(note(lang) for note in report.notes)
    if report.balances:
        lines.append("Soldes donnés par la banque :" if fr else "Balances given by the bank:")
        for balance in report.balances:
            amount = formats.money(Decimal(balance["cents"]) / 100, balance["currency"], lang)
            at = (f" au {formats.moment(balance['at'], lang)}" if fr else
                  f" on {formats.moment(balance['at'], lang)}") if balance["at"] else ""
            lines.append(f"- {balance['account']}{' :' if fr else ':'} {amount}{at}")
    if report.problems:
        lines.append("Erreurs et actions à mener :" if fr else "Errors and what to do:")
        for problem in report.problems:
            where = f"[{problem['account']}] " if problem["account"] else ""
            what = problem["fr" if fr else "en"]
            todo = problem["todo_fr" if fr else "todo_en"]
            lines.append(f"- {where}{what} → {todo}")
    else:
        lines.append("Aucune erreur." if fr else "No error.")
    return "\n".join(lines)


def log_subject(report: RunReport, lang: str) -> str:
    """`raccord — banque : 2 comptes, 246 transactions ajoutées, 1 relevé` (plurals in words)."""
    c = report.counts
    fr = lang == "fr"
    parts = [
        formats.plural(c["accounts_fetched"], Tr("compte", "account"),
                       Tr("comptes", "accounts"), lang),
        formats.plural(c["added"], Tr("transaction ajoutée", "transaction added"),
                       Tr("transactions ajoutées", "transactions added"), lang),
        formats.plural(c["statements"], Tr("relevé", "statement"),
                       Tr("relevés", "statements"), lang),
    ]
    if c["banks_needing_holder"]:
        parts.append(formats.plural(c["banks_needing_holder"],
                                    Tr("banque à reconnecter", "bank to reconnect"),
                                    Tr("banques à reconnecter", "banks to reconnect"), lang))
    if report.problems:
        parts.append(formats.plural(len(report.problems), Tr("erreur", "error"),
                                    Tr("erreurs", "errors"), lang))
    return ("raccord — banque : " if fr else "raccord — bank: ") + ", ".join(parts)


def _finish(hub: Hub, report: RunReport) -> RunReport:
    fr, en = log_text(report, "fr"), log_text(report, "en")
    # The log address is no person whose language raccord knows: the mail is in both, French
    # (the installation's language) first, each written the way its language writes figures.
    subject = log_subject(report, DEFAULT_LANGUAGE)
    state, to = notify.mail_log(hub, report.id, subject, fr + "\n\n----\n\n" + en)
    report.mail_state = state
    with hub.db.session() as session:
        row = session.get(BankRun, report.id)
        assert row is not None
        row.finished_at = utcnow()
        row.counts = dict(report.counts)
        row.problems = report.problems
        row.log_fr, row.log_en = fr, en
        row.mail_state, row.mail_to = state, to
    return report


def recent_runs(hub: Hub, limit: int = 10) -> list[BankRun]:
    with hub.db.session() as session:
        return list(session.scalars(select(BankRun).order_by(BankRun.id.desc()).limit(limit)))
