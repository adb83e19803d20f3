"""OCR of expense receipts (Mindee)."""

from __future__ import annotations

from raccord.core.i18n import Tr
from raccord.core.schema import Choice, Field, InterfaceSchema, Kind
from raccord.interfaces.common_fields import technical_password, technical_user

MINDEE_URL = "https://api.mindee.net"

SCHEMA = InterfaceSchema(
    name="ocr",
    title=Tr("OCR", "OCR"),
    summary=Tr("Les justificatifs photographiés sont lus et les champs de la dépense remplis.",
               "Photographed receipts are read and the expense's fields filled in."),
    fields=(
        Field("provider", Tr("Fournisseur OCR", "OCR provider"), Kind.ENUM, default="OCR_MINDEE",
              choices=(Choice("OCR_MINDEE", Tr("Mindee", "Mindee")),
                       Choice("OCR_LOCAL", Tr("Lecture locale (Tesseract, rien ne sort du "
                                              "serveur)", "Local reading (Tesseract, nothing "
                                              "leaves the server)")))),
        Field("enabled", Tr("OCR Actif", "OCR enabled"), Kind.BOOL, default=False,
              help=Tr("Active l'OCR de façon globale.", "Switches OCR on globally.")),
        Field("mindee_enabled", Tr("Mindee Actif", "Mindee enabled"), Kind.BOOL, default=False,
              help=Tr("Active l'OCR Mindee sur le Portail Collaborateur et l'application mobile.",
                      "Switches Mindee OCR on in the employee portal and the mobile app.")),
        Field("url", Tr("Url de connexion", "Connection URL"), Kind.URL, default=MINDEE_URL,
              vendor=True),
        Field("token", Tr("Token Mindee", "Mindee token"), Kind.SECRET, vendor=True),
        technical_user(Tr(
            "Inscrit dans l'historique d'une dépense remplie par l'OCR, pour la distinguer "
            "d'une saisie manuelle.",
            "Written into the history of an expense filled by OCR, to tell it from a manual "
            "entry.")),
        technical_password(),
        Field("webhook_url", Tr("URL de l'ERP prévenue des changements d'état des notes de "
                                "frais", "ERP URL told of expense report state changes"),
              Kind.URL, advanced=True, help=Tr(
                  "Reçoit en POST un JSON par changement d'état d'une note de frais (soumise, "
                  "approuvée, refusée, payée), signé par l'en-tête X-Raccord-Signature.",
                  "Receives a JSON POST per expense report state change (submitted, "
                  "approved, refused, paid), signed in the X-Raccord-Signature header.")),
        Field("webhook_secret", Tr("Secret de signature des notifications",
                                   "Notification signing secret"), Kind.SECRET, advanced=True),
    ),
)
