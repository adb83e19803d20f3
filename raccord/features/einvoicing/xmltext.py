"""What CII and UBL write alike: namespaced elements, amounts and quantities as text."""

from __future__ import annotations

from collections.abc import Callable
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
