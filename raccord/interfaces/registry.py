"""Every interface, in the console's menu order."""

from raccord.interfaces import (
    bank,
    certificates,
    chorus,
    exchange,
    gmail,
    google,
    ocr,
    signature,
    sirene,
    smtp,
)

INTERFACES = (chorus.SPEC, ocr.SPEC, sirene.SPEC, certificates.SPEC, exchange.SPEC,
              signature.SPEC, bank.SPEC, gmail.SPEC, smtp.SPEC, google.SPEC)
