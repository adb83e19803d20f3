"""What CII and UBL write alike: namespaced elements, amounts and quantities as text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from lxml import etree


def element_maker(namespaces: dict[str, str]) -> Callable[..., Any]:
    """`el(parent, "prefix:Name", text=None, **attributes)` for these namespaces."""

    def el(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
        prefix, name = tag.split(":")
        node = etree.SubElement(parent, f"{{{namespaces[prefix]}}}{name}", **attrs)
        if text is not None:
            node.text = text
        return node

    return el


def amount(value: Decimal) -> str:
    return f"{value:.2f}"


def number(value: Decimal) -> str:
    """A quantity or rate without trailing zeros, never "-0" nor empty."""
    text = format(value.normalize(), "f")
    return text if text not in ("-0", "") else "0"


class Reader:
    """Tolerant XPath reads for one set of namespaces: absent or odd values never raise."""

    def __init__(self, namespaces: dict[str, str]) -> None:
        self.ns = namespaces

    def first(self, node: Any, path: str) -> Any:
        if node is None:
            return None
        found = node.xpath(path, namespaces=self.ns)
        return found[0] if found else None

    def text(self, node: Any, path: str) -> str:
        found = self.first(node, path)
        return str(found.text or "").strip() if found is not None else ""

    def attr(self, node: Any, path: str, name: str) -> str:
        found = self.first(node, path)
        return str(found.get(name) or "") if found is not None else ""

    def number(self, node: Any) -> Decimal | None:
        if node is None:
            return None
        try:
            return Decimal(str(node.text or "").strip())
        except ArithmeticError:
            return None

    def dec(self, node: Any, path: str) -> Decimal | None:
        return self.number(self.first(node, path))

    def day(self, node: Any, path: str, compact: bool = False) -> date | None:
        text = self.text(node, path)
        try:
            if compact:
                return datetime.strptime(text[:8], "%Y%m%d").date()
            return date.fromisoformat(text[:10])
        except ValueError:
            return None
