"""The EWS simulator's recurrences: CreateItem takes a `<t:Recurrence>`, GetItem gives it
back as Exchange writes it, Graph shows the same rule, and a rule Exchange would refuse is
ErrorCalendarInvalidRecurrence."""

from __future__ import annotations

from lxml import etree

from raccord.interfaces.exchange import sim_directory as tenant
from raccord.interfaces.exchange.sim_calendar import Calendars
from raccord.interfaces.exchange.sim_ews_items import EwsItems
from raccord.interfaces.exchange.sim_graph import event_json

M = "http://schemas.microsoft.com/exchange/services/2006/messages"
T = "http://schemas.microsoft.com/exchange/services/2006/types"
NS = {"m": M, "t": T}


def operation(xml: str) -> etree._Element:
    return etree.fromstring(f'<m:Root xmlns:m="{M}" xmlns:t="{T}">{xml}</m:Root>')[0]


def create(items: EwsItems, recurrence: str) -> etree._Element:
    answer = items.handle(operation(
        '<m:CreateItem SendMeetingInvitations="SendToNone"><m:SavedItemFolderId>'
        '<t:DistinguishedFolderId Id="calendar"/></m:SavedItemFolderId><m:Items>'
        "<t:CalendarItem><t:Subject>Astreinte</t:Subject>"
        f"{recurrence}<t:Start>2026-12-07T08:00:00Z</t:Start>"
        "<t:End>2026-12-07T09:00:00Z</t:End>"
        '<t:StartTimeZone Id="Romance Standard Time"/></t:CalendarItem></m:Items>'
        "</m:CreateItem>"), tenant.TEST_USER, set(), True)
    assert isinstance(answer, str)
    return etree.fromstring(answer)


WEEKLY = ("<t:Recurrence><t:WeeklyRecurrence><t:Interval>2</t:Interval>"
          "<t:DaysOfWeek>Monday Thursday</t:DaysOfWeek><t:FirstDayOfWeek>Monday"
          "</t:FirstDayOfWeek></t:WeeklyRecurrence><t:EndDateRecurrence><t:StartDate>"
          "2026-12-07</t:StartDate><t:EndDate>2027-06-28</t:EndDate></t:EndDateRecurrence>"
          "</t:Recurrence>")


def test_create_item_keeps_the_recurrence_and_get_item_gives_it_back() -> None:
    calendars = Calendars()
    items = EwsItems(tenant.sandbox_directory(), calendars)
    made = create(items, WEEKLY)
    item_id = made.find(".//t:ItemId", NS)
    assert item_id is not None
    got = etree.fromstring(items.handle(operation(  # type: ignore[arg-type]
        '<m:GetItem><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape>'
        f'<m:ItemIds><t:ItemId Id="{item_id.get("Id")}"/></m:ItemIds></m:GetItem>'),
        tenant.TEST_USER, set(), True))
    item = got.find(".//t:CalendarItem", NS)
    assert item is not None
    assert item.findtext("t:CalendarItemType", namespaces=NS) == "RecurringMaster"
    weekly = item.find("t:Recurrence/t:WeeklyRecurrence", NS)
    assert weekly is not None and weekly.findtext("t:DaysOfWeek", namespaces=NS) == (
        "Monday Thursday")
    bounds = item.find("t:Recurrence/t:EndDateRecurrence", NS)
    assert bounds is not None  # dates with the zone's offset, as Exchange writes them
    assert bounds.findtext("t:StartDate", namespaces=NS) == "2026-12-07+01:00"
    assert bounds.findtext("t:EndDate", namespaces=NS) == "2027-06-28+02:00"
    # The same event through Graph: its patternedRecurrence, every member given.
    [event] = calendars.of(tenant.TEST_USER).events.values()
    rule = event_json(event, {}, "")["recurrence"]
    assert rule["pattern"] == {"type": "weekly", "interval": 2, "month": 0, "dayOfMonth": 0,
                               "daysOfWeek": ["monday", "thursday"],
                               "firstDayOfWeek": "monday", "index": "first"}
    assert rule["range"] == {"type": "endDate", "startDate": "2026-12-07",
                             "endDate": "2027-06-28", "numberOfOccurrences": 0,
                             "recurrenceTimeZone": "Europe/Paris"}


def test_a_rule_exchange_refuses_is_invalid_recurrence() -> None:
    items = EwsItems(tenant.sandbox_directory(), Calendars())
    answer = create(items, "<t:Recurrence><t:RelativeMonthlyRecurrence><t:Interval>1"
                           "</t:Interval><t:DaysOfWeek>Monday Friday</t:DaysOfWeek>"
                           "<t:DayOfWeekIndex>First</t:DayOfWeekIndex>"
                           "</t:RelativeMonthlyRecurrence><t:NoEndRecurrence><t:StartDate>"
                           "2026-12-07</t:StartDate></t:NoEndRecurrence></t:Recurrence>")
    assert answer.findtext(".//m:ResponseCode", namespaces=NS) == (
        "ErrorCalendarInvalidRecurrence")
    assert items.calendars.of(tenant.TEST_USER).events == {}
