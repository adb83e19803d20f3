"""Prospects, customers and suppliers, filled in from a SIRET or SIREN (see `sirene`)."""

from raccord.features.thirdparties import models  # noqa: F401  (tables on the shared Base)
