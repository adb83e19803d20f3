"""The Exchange interface's door: Microsoft Graph when `graph` is on, else EWS."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from raccord.core.http import RetryPolicy
from raccord.interfaces.exchange.ews import EwsClient
from raccord.interfaces.exchange.ews_calendar import EwsCalendar
from raccord.interfaces.exchange.graph import GraphClient
from raccord.interfaces.exchange.graph_calendar import GraphCalendar

if TYPE_CHECKING:
    from raccord.core.hub import Hub


@dataclass(frozen=True)
class OpenedCalendar:
    mailbox: str
    name: str
    through: str  # "graph" or "ews"


class ExchangeClient:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.values: dict[str, Any] = hub.values("exchange")
        self.http = hub.outgoing("exchange", timeout=float(self.values.get("timeout_s") or 30))

    @property
    def uses_graph(self) -> bool:
        return bool(self.values.get("graph"))

    def graph(self) -> GraphClient:
        return GraphClient(self.http, self.values)

    def ews(self) -> EwsClient:
        return EwsClient(self.http, self.values)

    @property
    def protocol(self) -> str:
        return "graph" if self.uses_graph else "ews"

    def calendars(self, retry: RetryPolicy | None = None) -> GraphCalendar | EwsCalendar:
        """Events of the employees' calendars, through the protocol the settings choose;
        `retry`: the tries of each Graph call (one by default: background work re-queues)."""
        if self.uses_graph:
            return GraphCalendar(self.http, self.values, self.hub.limiter, retry)
        return EwsCalendar(self.ews(), self.hub.limiter)

    def open_calendar(self, mailbox: str) -> OpenedCalendar:
        if self.uses_graph:
            calendar = self.graph().calendar(mailbox)
            return OpenedCalendar(mailbox, str(calendar.get("name") or "Calendar"), "graph")
        info = self.ews().open_calendar(mailbox)
        return OpenedCalendar(mailbox, info.name, "ews")
