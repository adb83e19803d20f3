"""Two HTTP headers built from values a user or a file chose: a download's file name
(`Content-Disposition`) and where to go next (`Location`). Neutral helpers, used by the
console, the API and every feature alike."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated
from urllib.parse import quote, urlsplit

from annotated_types import Ge, Le

# What may stay in the plain `filename="..."` fallback: printable ASCII but quotes,
# backslashes and the characters some browsers read as a path.
_ASCII_UNSAFE = re.compile(r'[^A-Za-z0-9 !#$&+,.=@^_`{}~()\[\]-]')
MAX_NAME_CHARS = 200


def content_disposition(file_name: str, disposition: str = "attachment") -> str:
    """`attachment; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266 and
    RFC 5987): any name (accents, non-Latin scripts, quotes, line breaks) downloads under
    its own name, and the header stays one line of Latin-1."""
    name = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    name = name[:MAX_NAME_CHARS] or "download"
    decomposed = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    folded = folded.encode("ascii", "replace").decode("ascii")
    fallback = _ASCII_UNSAFE.sub("_", folded).strip() or "download"
    if fallback == name:
        return f'{disposition}; filename="{fallback}"'
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def safe_redirect(target: str | None, default: str = "/") -> str:
    """`target` if it is a path on this site, else `default`.

    Only a relative path starting with one `/` is kept: never `//host` or `///host`
    (browsers read them as another site), `/\\host` (some read the backslash as a slash), a
    scheme (`https:`, `javascript:`), nor control characters or spaces."""
    if not target or not target.startswith("/") or len(target) > 2000:
        return default
    if target.startswith("//") or "\\" in target:
        return default
    if any(unicodedata.category(c)[0] in ("C", "Z") for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def back_to(referer: str | None, host: str, default: str = "/") -> str:
    """The path of a `Referer` on this site (`host` as the request named it), else
    `default`: switching the language brings back to the same page, never elsewhere."""
    if not referer:
        return default
    if referer.startswith("/"):
        return safe_redirect(referer, default)
    try:
        parts = urlsplit(referer)
    except ValueError:
        return default
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != host.lower():
        return default
    path = parts.path or "/"
    return safe_redirect(f"{path}?{parts.query}" if parts.query else path, default)


# Whole numbers in a path or query (ids, limit, offset): beyond what the column holds no row
# can match and the database would overflow (PostgreSQL's INTEGER ids stop at 2**31 - 1;
# LIMIT and OFFSET take a 64-bit integer), so the value is refused (422) before use.
MAX_BIGINT = 2**63 - 1
MAX_ID = 2**31 - 1
RowId = Annotated[int, Ge(1), Le(MAX_ID)]
Count = Annotated[int, Ge(0), Le(MAX_BIGINT)]
