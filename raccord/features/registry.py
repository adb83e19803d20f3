"""Every feature, declared once: adding one is a folder plus a line here."""

from raccord.core.i18n import Tr
from raccord.features.spec import Command, FeatureSpec, MenuEntry

FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec("einvoicing", Tr("Facturation électronique", "E-invoicing"), models=True,
                jobs=True, api=True, pages=True,
                commands=(Command("chorus"), Command("einvoice", "validate_cli")),
                menu=(MenuEntry("/transmissions", Tr("Transmissions CHORUS PRO",
                                                     "CHORUS PRO transmissions")),
                      MenuEntry("/einvoice/validate", Tr("Valider une facture",
                                                         "Validate an invoice")))),
    FeatureSpec("sirene", Tr("SIRENE", "SIRENE"), models=True, jobs=True, api=True, pages=True,
                commands=(Command("sirene"),),
                menu=(MenuEntry("/sirene", Tr("SIRENE : copie locale, enrichissement",
                                              "SIRENE: local copy, enrichment")),)),
    FeatureSpec("thirdparties", Tr("Tiers", "Third parties"), models=True, api=True,
                pages=True, menu=(MenuEntry("/thirdparties", Tr("Tiers", "Third parties")),)),
    FeatureSpec("banking", Tr("Banque", "Bank"), pages=True),
    FeatureSpec("signatures", Tr("Signature électronique", "Electronic signature"),
                models=True, jobs=True, api=True, pages=True, commands=(Command("signature"),),
                menu=(MenuEntry("/signatures", Tr("Demandes de signature",
                                                  "Signature requests")),)),
    FeatureSpec("calendar", Tr("Agendas", "Calendars"), models=True, jobs=True, api=True,
                pages=True, commands=(Command("calendar"),),
                menu=(MenuEntry("/calendar", Tr("Agendas Outlook", "Outlook calendars")),)),
    FeatureSpec("expenses", Tr("Notes de frais", "Expense reports"), models=True, api=True,
                pages=True, commands=(Command("expenses"),),
                menu=(MenuEntry("/expenses", Tr("Notes de frais", "Expense reports"),
                                role="employee"),)),
    FeatureSpec("mail", Tr("Messagerie", "Mail"), models=True, jobs=True, api=True, pages=True,
                commands=(Command("mail"),),
                menu=(MenuEntry("/mail", Tr("Courriels envoyés", "Sent mail")),
                      MenuEntry("/mail/alerts", Tr("Alertes par courriel", "Alert mails"),
                                role="operator"))),
)
