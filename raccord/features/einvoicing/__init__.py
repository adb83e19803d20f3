"""E-invoicing: invoices from the ERP to CHORUS PRO (validation, Factur-X/UBL production,
durable transmission state machine, follow-up of flows and invoice statuses, webhooks)."""

from raccord.features.einvoicing import models as models  # registers the tables on Base
from raccord.features.einvoicing import webhooks as _webhooks

_webhooks.install()
