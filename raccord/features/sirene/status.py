"""Where the SIRENE lookups stand: the local copy, an import under way, the API, the kept
answers (for `raccord sirene status`, the API and the console)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from raccord.features.sirene.cache import AnswerCache
from raccord.features.sirene.importer import building_state, current_copy
from raccord.interfaces.sirene.client import usage

if TYPE_CHECKING:
    from raccord.core.hub import Hub


def status_data(hub: Hub) -> dict[str, Any]:
    info = current_copy(hub.env.home)
    used, limit, window = usage(hub)
    return {
        "copy": None if info is None else {
            "file": str(info.path), "data_date": info.data_date,
            "imported_at": info.imported_at, "units": info.units,
            "establishments": info.establishments, "sources": list(info.sources),
            "size_mb": round(info.path.stat().st_size / 2**20, 1)},
        "import_in_progress": [
            {"file": s.file, "kind": s.kind, "rows": s.rows, "finished": s.finished,
             "share": round(s.position / s.total, 3) if s.total else None}
            for s in building_state(hub.env.home)],
        "api": {"enabled": bool(hub.values("sirene").get("enabled")),
                "calls_in_window": used, "calls_allowed": limit, "window_s": window},
        "kept_answers": AnswerCache(hub).count(),
    }
