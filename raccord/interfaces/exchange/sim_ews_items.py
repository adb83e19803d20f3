"""The calendar items part of the EWS simulator: CreateItem, UpdateItem, DeleteItem, GetItem,
FindItem (restrictions on raccord's extended property: IsEqualTo, Exists, Or, And) and
SyncFolderItems, on the mailbox the request acts for (impersonation header, or a delegated
mailbox named in the folder id), with ErrorServerBusy and its BackOffMilliseconds.

Items live in the shared `Calendars` store, so Graph sees what EWS made (with other ids)."""

from __future__ import annotations

import base64
import binascii
import random
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from raccord.interfaces.exchange.sim_calendar import Calendars, SimEvent, ews_id
from raccord.interfaces.exchange.sim_directory import Directory
from raccord.interfaces.exchange.sim_ews_recurrence import InvalidRecurrence
from raccord.interfaces.exchange.sim_ews_recurrence import parse as parse_recurrence
from raccord.interfaces.exchange.sim_ews_recurrence import xml as recurrence_xml

T = "http://schemas.microsoft.com/exchange/services/2006/types"
M = "http://schemas.microsoft.com/exchange/services/2006/messages"
E = "http://schemas.microsoft.com/exchange/services/2006/errors"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
NS = {"t": T, "m": M}
FREE_BUSY = {"Free": "free", "Tentative": "tentative", "Busy": "busy", "OOF": "oof",
             "WorkingElsewhere": "workingElsewhere", "NoData": "unknown"}
LEGACY = {v: k for k, v in FREE_BUSY.items()}
WINDOWS = {"Romance Standard Time": "Europe/Paris", "UTC": "UTC"}
Fault = tuple[str, str]


def _text(element: etree._Element | None, path: str) -> str | None:
    return None if element is None else element.findtext(path, namespaces=NS)


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _mailbox_of_item(item_id: str) -> str | None:
    if not item_id.startswith("AAMkAEWS"):
        return None
    try:
        raw = item_id[len("AAMkAEWS"):]
        return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode().split("|")[0]
    except (binascii.Error, UnicodeDecodeError):
        return None


def _property_key(uri: etree._Element) -> tuple[str, str]:
    return (str(uri.get("PropertySetId") or "").lower(), str(uri.get("PropertyName") or ""))


def _fields(item: etree._Element, time_zone: str = "UTC") -> dict[str, Any]:
    """The fields an item element sets (InvalidRecurrence for a recurrence Exchange would
    refuse); `time_zone`: the item's, when the element does not say it."""
    fields: dict[str, Any] = {}
    simple = {"Subject": "subject", "Location": "location", "Body": "body"}
    for tag, name in simple.items():
        value = item.find(f"t:{tag}", namespaces=NS)
        if value is not None:
            fields[name] = value.text or ""
    for tag in ("Start", "End"):
        value = _text(item, f"t:{tag}")
        if value:
            fields[tag.lower()] = _when(value)
    zone = item.find("t:StartTimeZone", namespaces=NS)
    if zone is not None:
        fields["time_zone"] = str(zone.get("Id") or "UTC")
    all_day = _text(item, "t:IsAllDayEvent")
    if all_day is not None:
        fields["all_day"] = all_day.lower() in ("1", "true")
    status = _text(item, "t:LegacyFreeBusyStatus")
    if status is not None:
        fields["show_as"] = FREE_BUSY.get(status, "busy")
    sensitivity = _text(item, "t:Sensitivity")
    if sensitivity is not None:
        fields["sensitivity"] = sensitivity.lower()
    categories = item.find("t:Categories", namespaces=NS)
    if categories is not None:
        fields["categories"] = [c.text or "" for c in categories.findall("t:String",
                                                                          namespaces=NS)]
    attendees = item.find("t:RequiredAttendees", namespaces=NS)
    if attendees is not None:
        fields["attendees"] = [a.text or "" for a in attendees.findall(
            "t:Attendee/t:Mailbox/t:EmailAddress", namespaces=NS)]
    recurrence = item.find("t:Recurrence", namespaces=NS)
    if recurrence is not None:
        zone_id = str(fields.get("time_zone") or time_zone)
        fields["recurrence"] = parse_recurrence(recurrence, WINDOWS.get(zone_id, zone_id))
    return fields


def _props(item: etree._Element) -> dict[tuple[str, str], str]:
    props = {}
    for prop in item.findall("t:ExtendedProperty", namespaces=NS):
        uri = prop.find("t:ExtendedFieldURI", namespaces=NS)
        if uri is not None:
            props[_property_key(uri)] = prop.findtext("t:Value", namespaces=NS) or ""
    return props


def item_xml(event: SimEvent, id_only: bool = False) -> str:
    ids = f"<t:ItemId Id={quoteattr(event.ews_id)} ChangeKey={quoteattr(event.change_key)}/>"
    if id_only:
        return f"<t:CalendarItem>{ids}</t:CalendarItem>"
    f = event.fields
    zone = f.get("time_zone", "UTC")
    zone_id = next((w for w, iana in WINDOWS.items() if iana == zone), zone)
    parts = [ids, "<t:ItemClass>IPM.Appointment</t:ItemClass>",
             f"<t:Subject>{escape(f.get('subject', ''))}</t:Subject>",
             f"<t:Sensitivity>{str(f.get('sensitivity', 'normal')).capitalize()}"
             "</t:Sensitivity>",
             f"<t:Body BodyType=\"Text\">{escape(f.get('body', ''))}</t:Body>"]
    if f.get("categories"):
        parts.append("<t:Categories>" + "".join(
            f"<t:String>{escape(c)}</t:String>" for c in f["categories"]) + "</t:Categories>")
    parts += [f"<t:DateTimeCreated>{_stamp(event.created)}</t:DateTimeCreated>",
              f"<t:LastModifiedTime>{_stamp(event.modified)}</t:LastModifiedTime>"]
    for (property_set, name), value in event.props.items():
        parts.append(f"<t:ExtendedProperty><t:ExtendedFieldURI PropertySetId="
                     f"{quoteattr(property_set)} PropertyName={quoteattr(name)} "
                     f"PropertyType=\"String\"/><t:Value>{escape(value)}</t:Value>"
                     "</t:ExtendedProperty>")
    parts += [f"<t:UID>{event.ical_uid}</t:UID>",
              f"<t:Start>{_stamp(f['start'])}</t:Start>", f"<t:End>{_stamp(f['end'])}</t:End>",
              f"<t:IsAllDayEvent>{'true' if f.get('all_day') else 'false'}</t:IsAllDayEvent>",
              f"<t:LegacyFreeBusyStatus>{LEGACY.get(f.get('show_as', 'busy'), 'Busy')}"
              "</t:LegacyFreeBusyStatus>",
              f"<t:Location>{escape(f.get('location', ''))}</t:Location>",
              # Exchange says IsRecurring false on a series' master; its type tells.
              "<t:IsMeeting>false</t:IsMeeting><t:IsRecurring>false</t:IsRecurring>",
              f"<t:CalendarItemType>{'RecurringMaster' if f.get('recurrence') else 'Single'}"
              "</t:CalendarItemType>"]
    if f.get("attendees"):
        parts.append("<t:RequiredAttendees>" + "".join(
            f"<t:Attendee><t:Mailbox><t:EmailAddress>{escape(a)}</t:EmailAddress>"
            "<t:RoutingType>SMTP</t:RoutingType></t:Mailbox><t:ResponseType>Unknown"
            "</t:ResponseType></t:Attendee>" for a in f["attendees"]) + "</t:RequiredAttendees>")
    if f.get("recurrence"):
        parts.append(recurrence_xml(f["recurrence"], WINDOWS.get(zone, zone)))
    parts.append(f"<t:StartTimeZone Id={quoteattr(zone_id)}/><t:EndTimeZone "
                 f"Id={quoteattr(zone_id)}/>")
    return f"<t:CalendarItem>{''.join(parts)}</t:CalendarItem>"


def _ok(operation: str, inner: str = "") -> str:
    return (f'<m:{operation}ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError'
            f"</m:ResponseCode>{inner}</m:{operation}ResponseMessage>")


def _error(operation: str, code: str, message: str) -> str:
    return (f'<m:{operation}ResponseMessage ResponseClass="Error"><m:MessageText>'
            f"{escape(message)}</m:MessageText><m:ResponseCode>{code}</m:ResponseCode>"
            f"<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:{operation}ResponseMessage>")


def _wrap(operation: str, messages: list[str]) -> str:
    return (f'<m:{operation}Response xmlns:m="{M}" xmlns:t="{T}"><m:ResponseMessages>'
            f"{''.join(messages)}</m:ResponseMessages></m:{operation}Response>")


def busy_fault_body(back_off_ms: int) -> str:
    return (f"<s:Fault xmlns:s=\"{SOAP}\"><faultcode xmlns:a=\"{T}\">a:ErrorServerBusy"
            "</faultcode><faultstring xml:lang=\"en-US\">The server cannot service this "
            "request right now. Try again later.</faultstring><detail><e:ResponseCode "
            f"xmlns:e=\"{E}\">ErrorServerBusy</e:ResponseCode><e:Message xmlns:e=\"{E}\">The "
            "server cannot service this request right now. Try again later.</e:Message>"
            f"<t:MessageXml xmlns:t=\"{T}\"><t:Value Name=\"BackOffMilliseconds\">{back_off_ms}"
            "</t:Value></t:MessageXml></detail></s:Fault>")


class EwsItems:
    def __init__(self, directory: Directory, calendars: Calendars) -> None:
        self.directory = directory
        self.calendars = calendars
        self.busy_back_off_ms = 1000
        # Share of CreateItem answers lost (the items are created, the answer never comes).
        self.drop_create_rate = 0.0

    def handle(self, operation: etree._Element, acting: str, access: set[str],
               impersonated: bool) -> str | Fault:
        name = etree.QName(operation).localname
        handler = {"CreateItem": self._create, "UpdateItem": self._update,
                   "DeleteItem": self._delete, "GetItem": self._get, "FindItem": self._find,
                   "SyncFolderItems": self._sync}.get(name)
        if handler is None:
            return ("ErrorInvalidRequest", "The request is invalid.")
        with self.calendars.lock:
            if self.calendars.server_busy_next > 0:
                self.calendars.server_busy_next -= 1
                self.calendars.throttled += 1
                return ("ErrorServerBusy", str(self.busy_back_off_ms))
        target = self._target(operation, acting)
        if target != acting and (impersonated or target not in access):
            return _wrap(name, [_error(name, "ErrorAccessDenied",
                                       "Access is denied. Check credentials and try again.")])
        known = self.directory.mailboxes.get(target)
        if known is None or not known.has_mailbox:
            return _wrap(name, [_error(name, "ErrorNonExistentMailbox",
                                       "The SMTP address has no mailbox associated with it.")])
        answer = _wrap(name, handler(operation, target))
        if name == "CreateItem" and self.drop_create_rate and (
                random.random() < self.drop_create_rate):
            return ("__lost__", answer)
        return answer

    def _target(self, operation: etree._Element, acting: str) -> str:
        address = operation.findtext(".//t:DistinguishedFolderId/t:Mailbox/t:EmailAddress",
                                     namespaces=NS)
        if address:
            return address.lower()
        for item_id in operation.iterfind(".//t:ItemId", namespaces=NS):
            owner = _mailbox_of_item(str(item_id.get("Id") or ""))
            if owner:
                return owner
        return acting

    def _event(self, mailbox: str, item_id: str) -> SimEvent | None:
        return self.calendars.find(mailbox, item_id)

    def _create(self, operation: etree._Element, mailbox: str) -> list[str]:
        messages = []
        for item in operation.findall("m:Items/t:CalendarItem", namespaces=NS):
            try:
                fields = _fields(item)
            except InvalidRecurrence as refused:
                messages.append(_error("CreateItem", "ErrorCalendarInvalidRecurrence",
                                       str(refused)))
                continue
            if "start" not in fields or "end" not in fields:
                messages.append(_error("CreateItem", "ErrorInvalidPropertySet",
                                       "Start and End are required."))
                continue
            fields.setdefault("subject", "")
            event, _ = self.calendars.create(mailbox, fields, _props(item))
            messages.append(_ok("CreateItem", f"<m:Items>{item_xml(event, True)}</m:Items>"))
        return messages

    def _update(self, operation: etree._Element, mailbox: str) -> list[str]:
        messages = []
        for change in operation.findall("m:ItemChanges/t:ItemChange", namespaces=NS):
            item_id = change.find("t:ItemId", namespaces=NS)
            event = self._event(mailbox, str(item_id.get("Id") if item_id is not None else ""))
            if event is None:
                messages.append(_error("UpdateItem", "ErrorItemNotFound",
                                       "The specified object was not found in the store."))
                continue
            fields: dict[str, Any] = {}
            props: dict[tuple[str, str], str] = {}
            zone = str(event.fields.get("time_zone") or "UTC")
            try:
                for setter in change.findall("t:Updates/t:SetItemField", namespaces=NS):
                    for child in setter:
                        if etree.QName(child).localname == "CalendarItem":
                            fields.update(_fields(child, zone))
                            props.update(_props(child))
                        elif etree.QName(child).localname not in ("FieldURI",
                                                                  "ExtendedFieldURI"):
                            wrapper = etree.Element(f"{{{T}}}CalendarItem")
                            wrapper.append(child.__copy__())
                            fields.update(_fields(wrapper, zone))
            except InvalidRecurrence as refused:
                messages.append(_error("UpdateItem", "ErrorCalendarInvalidRecurrence",
                                       str(refused)))
                continue
            for deleter in change.findall("t:Updates/t:DeleteItemField", namespaces=NS):
                uri = deleter.find("t:FieldURI", namespaces=NS)
                name = str(uri.get("FieldURI") if uri is not None else "").split(":")[-1]
                key = {"Location": "location", "Body": "body", "Categories": "categories",
                       "RequiredAttendees": "attendees", "Recurrence": "recurrence"}.get(name)
                if key:
                    fields[key] = {"categories": [], "attendees": [], "recurrence": None}.get(
                        key, "")
            self.calendars.update(event, fields, props)
            messages.append(_ok("UpdateItem", f"<m:Items>{item_xml(event, True)}</m:Items>"
                                              "<m:ConflictResults><t:Count>0</t:Count>"
                                              "</m:ConflictResults>"))
        return messages

    def _delete(self, operation: etree._Element, mailbox: str) -> list[str]:
        messages = []
        for item_id in operation.findall("m:ItemIds/t:ItemId", namespaces=NS):
            event = self._event(mailbox, str(item_id.get("Id") or ""))
            if event is None:
                messages.append(_error("DeleteItem", "ErrorItemNotFound",
                                       "The specified object was not found in the store."))
                continue
            self.calendars.delete(event)
            messages.append(_ok("DeleteItem"))
        return messages

    def _get(self, operation: etree._Element, mailbox: str) -> list[str]:
        messages = []
        for item_id in operation.findall("m:ItemIds/t:ItemId", namespaces=NS):
            event = self._event(mailbox, str(item_id.get("Id") or ""))
            if event is None:
                messages.append(_error("GetItem", "ErrorItemNotFound",
                                       "The specified object was not found in the store."))
            else:
                messages.append(_ok("GetItem", f"<m:Items>{item_xml(event)}</m:Items>"))
        return messages

    def _matches(self, restriction: etree._Element | None, event: SimEvent) -> bool:
        if restriction is None:
            return True
        name = etree.QName(restriction).localname
        if name == "Restriction":
            return all(self._matches(child, event) for child in restriction)
        if name == "Or":
            return any(self._matches(child, event) for child in restriction)
        if name == "And":
            return all(self._matches(child, event) for child in restriction)
        if name == "Not":
            return not any(self._matches(child, event) for child in restriction)
        uri = restriction.find("t:ExtendedFieldURI", namespaces=NS)
        if uri is None:
            return False
        value = event.props.get(_property_key(uri))
        if name == "Exists":
            return value is not None
        if name == "IsEqualTo":
            constant = restriction.find("t:FieldURIOrConstant/t:Constant", namespaces=NS)
            wanted = str(constant.get("Value") if constant is not None else "")
            return value is not None and value.lower() == wanted.lower()
        return False

    def _find(self, operation: etree._Element, mailbox: str) -> list[str]:
        restriction = operation.find("m:Restriction", namespaces=NS)
        with self.calendars.lock:
            events = sorted((e for e in self.calendars.of(mailbox).events.values()
                             if self._matches(restriction, e)), key=lambda e: e.number)
        view = operation.find("m:IndexedPageItemView", namespaces=NS)
        offset = int(view.get("Offset") or 0) if view is not None else 0
        size = int(view.get("MaxEntriesReturned") or 100) if view is not None else 100
        page = events[offset:offset + size]
        id_only = _text(operation, "m:ItemShape/t:BaseShape") == "IdOnly"
        last = offset + len(page) >= len(events)
        root = (f'<m:RootFolder IndexedPagingOffset="{offset + len(page)}" '
                f'TotalItemsInView="{len(events)}" '
                f'IncludesLastItemInRange="{"true" if last else "false"}"><t:Items>'
                f"{''.join(item_xml(e, id_only) for e in page)}</t:Items></m:RootFolder>")
        return [_ok("FindItem", root)]

    def _sync(self, operation: etree._Element, mailbox: str) -> list[str]:
        calendars = self.calendars
        token = (_text(operation, "m:SyncState") or "").strip()
        size = int(_text(operation, "m:MaxChangesReturned") or 100)
        if token:
            cursor = calendars.cursor(token)
            if cursor is not None and not cursor.pending:
                token = calendars.next_round(token) or ""
                cursor = calendars.cursor(token)
            if cursor is None or cursor.mailbox != mailbox:
                return [_error("SyncFolderItems", "ErrorInvalidSyncStateData",
                               "Synchronization state data is corrupt or otherwise invalid.")
                        .replace("</m:DescriptiveLinkKey>", "</m:DescriptiveLinkKey><m:SyncState/>"
                                 "<m:IncludesLastItemInRange>true</m:IncludesLastItemInRange>")]
        else:
            token = calendars.new_cursor(mailbox, None, None)
            cursor = calendars.cursor(token)
            assert cursor is not None
        changes: list[str] = []
        with calendars.lock:
            calendar = calendars.of(mailbox)
            while cursor.pending and len(changes) < size:
                kind, number = cursor.pending.popleft()
                event = calendar.events.get(number)
                if kind == "changed" and event is not None:
                    tag = "Create" if cursor.sequence == 0 else "Update"
                    changes.append(f"<t:{tag}>{item_xml(event)}</t:{tag}>")
                else:
                    changes.append(f"<t:Delete><t:ItemId Id={quoteattr(ews_id(mailbox, number))}"
                                   " ChangeKey=\"AAAA\"/></t:Delete>")
            last = "false" if cursor.pending else "true"
        inner = (f"<m:SyncState>{token}</m:SyncState><m:IncludesLastItemInRange>{last}"
                 f"</m:IncludesLastItemInRange><m:Changes>{''.join(changes)}</m:Changes>")
        return [_ok("SyncFolderItems", inner)]
