"""SIRENE lookups for third parties: the INSEE API (limited, cached) and a local copy of the
monthly open-data base; bulk enrichment of CSV files. CLI: `raccord sirene ...`."""

from raccord.features.sirene import models  # noqa: F401  (tables on the shared Base)
