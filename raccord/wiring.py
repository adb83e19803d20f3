"""Plugs every interface and feature in: what the faces (web app, CLI, workers) start from."""

from __future__ import annotations

import functools

from raccord.core.config import Environment
from raccord.features.registry import FEATURES
from raccord.interfaces.hub import InterfaceHub


@functools.cache
def load_features() -> None:
    """Import what every process needs of each feature: its tables and its jobs (so that any
    worker runs any job by name). Pages, API routes and CLI groups are imported by their face."""
    import raccord.core.housekeeping  # noqa: F401  (the core's own jobs)
    import raccord.core.webhooks  # noqa: F401
    import raccord.interfaces.probe  # noqa: F401  (the availability probe)

    for feature in FEATURES:
        for kind, wanted in (("models", feature.models), ("jobs", feature.jobs)):
            if wanted:
                feature.part(kind)


def open_hub(env: Environment | None = None) -> InterfaceHub:
    load_features()
    return InterfaceHub(env)
