"""French wording of the official EN 16931 rules, whose official text is English.

The French rules (BR-FR-*) are written in French by their authors and shown as they are. For an
EN 16931 rule without a French wording here, the French message says which rule failed and quotes
the official English text."""

from __future__ import annotations

FRENCH = {
    "BR-01": "Une facture doit indiquer l'identifiant de spécification (BT-24).",
    "BR-02": "Une facture doit avoir un numéro (BT-1).",
    "BR-03": "Une facture doit avoir une date d'émission (BT-2).",
    "BR-04": "Une facture doit avoir un code de type de facture (BT-3).",
    "BR-05": "Une facture doit avoir un code de devise (BT-5).",
    "BR-06": "Une facture doit indiquer la raison sociale du vendeur (BT-27).",
    "BR-07": "Une facture doit indiquer la raison sociale de l'acheteur (BT-44).",
    "BR-08": "Une facture doit contenir l'adresse postale du vendeur (BG-5).",
    "BR-09": "L'adresse postale du vendeur doit contenir un code pays (BT-40).",
    "BR-10": "Une facture doit contenir l'adresse postale de l'acheteur (BG-8).",
    "BR-11": "L'adresse postale de l'acheteur doit contenir un code pays (BT-55).",
    "BR-12": "Une facture doit indiquer la somme des montants nets des lignes (BT-106).",
    "BR-13": "Une facture doit indiquer le montant total hors TVA (BT-109).",
    "BR-14": "Une facture doit indiquer le montant total TVA comprise (BT-112).",
    "BR-15": "Une facture doit indiquer le montant à payer (BT-115).",
    "BR-16": "Une facture doit avoir au moins une ligne (BG-25).",
    "BR-17": "Le nom du bénéficiaire (BT-59) est obligatoire lorsque le bénéficiaire n'est "
             "pas le vendeur.",
    "BR-18": "Le nom du représentant fiscal du vendeur (BT-62) est obligatoire.",
    "BR-19": "L'adresse postale du représentant fiscal du vendeur (BG-12) est obligatoire.",
    "BR-20": "L'adresse du représentant fiscal du vendeur doit contenir un code pays (BT-69).",
    "BR-21": "Chaque ligne doit avoir un identifiant (BT-126).",
    "BR-22": "Chaque ligne doit avoir une quantité facturée (BT-129).",
    "BR-23": "Chaque ligne doit avoir une unité de mesure de la quantité (BT-130).",
    "BR-24": "Chaque ligne doit avoir un montant net (BT-131).",
    "BR-25": "Chaque ligne doit avoir un nom d'article (BT-153).",
    "BR-26": "Chaque ligne doit avoir un prix net de l'article (BT-146).",
    "BR-27": "Le prix net de l'article (BT-146) ne doit pas être négatif.",
    "BR-28": "Le prix brut de l'article (BT-148) ne doit pas être négatif.",
    "BR-29": "La date de fin de la période de facturation (BT-74) doit être postérieure ou "
             "égale à sa date de début (BT-73).",
    "BR-30": "La date de fin de la période de la ligne (BT-135) doit être postérieure ou égale "
             "à sa date de début (BT-134).",
    "BR-31": "Chaque remise au niveau du document (BG-20) doit avoir un montant (BT-92).",
    "BR-32": "Chaque remise au niveau du document (BG-20) doit avoir un code de catégorie de "
             "TVA (BT-95).",
    "BR-33": "Chaque remise au niveau du document (BG-20) doit avoir un motif (BT-97) ou un "
             "code motif (BT-98).",
    "BR-36": "Chaque frais au niveau du document (BG-21) doit avoir un montant (BT-99).",
    "BR-37": "Chaque frais au niveau du document (BG-21) doit avoir un code de catégorie de "
             "TVA (BT-102).",
    "BR-38": "Chaque frais au niveau du document (BG-21) doit avoir un motif (BT-104) ou un "
             "code motif (BT-105).",
    "BR-41": "Chaque remise de ligne (BG-27) doit avoir un montant (BT-136).",
    "BR-42": "Chaque remise de ligne (BG-27) doit avoir un motif (BT-139) ou un code motif "
             "(BT-140).",
    "BR-43": "Chaque frais de ligne (BG-28) doit avoir un montant (BT-141).",
    "BR-44": "Chaque frais de ligne (BG-28) doit avoir un motif (BT-144) ou un code motif "
             "(BT-145).",
    "BR-45": "Chaque ventilation de TVA (BG-23) doit avoir une base d'imposition (BT-116).",
    "BR-46": "Chaque ventilation de TVA (BG-23) doit avoir un montant de TVA (BT-117).",
    "BR-47": "Chaque ventilation de TVA (BG-23) doit avoir un code de catégorie de TVA "
             "(BT-118).",
    "BR-48": "Chaque ventilation de TVA (BG-23) doit avoir un taux de TVA (BT-119), sauf en "
             "catégorie « hors champ ».",
    "BR-49": "Une instruction de paiement (BG-16) doit indiquer le code du moyen de paiement "
             "(BT-81).",
    "BR-50": "L'identifiant du compte de paiement (BT-84) est obligatoire pour un virement.",
    "BR-51": "Seuls les 4 à 6 derniers chiffres de la carte de paiement (BT-87) doivent "
             "figurer.",
    "BR-52": "Chaque pièce justificative (BG-24) doit avoir une référence (BT-122).",
    "BR-53": "Si une devise de comptabilisation de la TVA (BT-6) est indiquée, le montant de "
             "TVA dans cette devise (BT-111) doit l'être aussi.",
    "BR-54": "Chaque attribut d'article (BG-32) doit avoir un nom (BT-160) et une valeur "
             "(BT-161).",
    "BR-55": "Chaque référence à une facture antérieure (BG-3) doit en donner le numéro "
             "(BT-25).",
    "BR-56": "Chaque représentant fiscal du vendeur (BG-11) doit avoir un numéro de TVA "
             "(BT-63).",
    "BR-57": "Chaque adresse de livraison (BG-15) doit contenir un code pays (BT-80).",
    "BR-61": "Pour un virement (BT-81 = 30 ou 58), l'identifiant du compte de paiement "
             "(BT-84) est obligatoire.",
    "BR-62": "L'adresse électronique du vendeur (BT-34) doit avoir un identifiant de schéma.",
    "BR-63": "L'adresse électronique de l'acheteur (BT-49) doit avoir un identifiant de "
             "schéma.",
    "BR-64": "L'identifiant standard de l'article (BT-157) doit avoir un identifiant de "
             "schéma.",
    "BR-65": "L'identifiant de classification de l'article (BT-158) doit avoir un identifiant "
             "de schéma.",
    "BR-CO-03": "La date d'exigibilité de la TVA (BT-7) et son code (BT-8) s'excluent "
                "mutuellement.",
    "BR-CO-04": "Chaque ligne doit être classée par un code de catégorie de TVA (BT-151).",
    "BR-CO-05": "Le code motif de remise (BT-98, BT-140) et le motif (BT-97, BT-139) doivent "
                "désigner le même motif.",
    "BR-CO-09": "Le numéro de TVA du vendeur (BT-31), du représentant fiscal (BT-63) et de "
                "l'acheteur (BT-48) doit commencer par un préfixe pays ISO 3166-1 alpha-2 "
                "(EL pour la Grèce).",
    "BR-CO-10": "La somme des montants nets des lignes (BT-106) doit être égale à la somme des "
                "montants nets des lignes (BT-131).",
    "BR-CO-11": "Le total des remises du document (BT-107) doit être égal à la somme des "
                "remises (BT-92).",
    "BR-CO-12": "Le total des frais du document (BT-108) doit être égal à la somme des frais "
                "(BT-99).",
    "BR-CO-13": "Le total hors TVA (BT-109) doit être égal à la somme des lignes (BT-106) "
                "moins les remises (BT-107) plus les frais (BT-108).",
    "BR-CO-14": "Le montant total de la TVA (BT-110) doit être égal à la somme des montants "
                "de TVA de la ventilation (BT-117).",
    "BR-CO-15": "Le total TVA comprise (BT-112) doit être égal au total hors TVA (BT-109) plus "
                "le total de la TVA (BT-110).",
    "BR-CO-16": "Le montant à payer (BT-115) doit être égal au total TVA comprise (BT-112) "
                "moins le montant payé (BT-113) plus l'arrondi (BT-114).",
    "BR-CO-17": "Le montant de TVA d'une catégorie (BT-117) doit être égal à sa base (BT-116) "
                "multipliée par son taux (BT-119), arrondi à deux décimales.",
    "BR-CO-18": "Une facture doit avoir au moins une ventilation de TVA (BG-23).",
    "BR-CO-19": "Une période de facturation (BG-14) doit avoir une date de début (BT-73) ou de "
                "fin (BT-74), ou les deux.",
    "BR-CO-20": "Une période de ligne (BG-26) doit avoir une date de début (BT-134) ou de fin "
                "(BT-135), ou les deux.",
    "BR-CO-26": "Pour que l'acheteur identifie automatiquement le vendeur, l'identifiant du "
                "vendeur (BT-29), son immatriculation (BT-30) ou son numéro de TVA (BT-31) "
                "doit être présent.",
    "BR-CL-01": "Le code de type de facture (BT-3) doit appartenir à la liste UNTDID 1001.",
    "BR-CL-03": "Le code de devise doit appartenir à la liste ISO 4217.",
    "BR-CL-04": "Le code de devise de la facture (BT-5) doit appartenir à la liste ISO 4217.",
    "BR-CL-05": "Le code de devise de la TVA (BT-6) doit appartenir à la liste ISO 4217.",
    "BR-CL-14": "Le code pays doit appartenir à la liste ISO 3166-1 alpha-2.",
    "BR-CL-16": "Le code du moyen de paiement (BT-81) doit appartenir à la liste UNTDID 4461.",
    "BR-CL-17": "Le code de catégorie de TVA (BT-118) doit appartenir à la liste UNTDID 5305 "
                "restreinte.",
    "BR-CL-18": "Le code de catégorie de TVA doit appartenir à la liste UNTDID 5305 "
                "restreinte.",
    "BR-CL-23": "L'unité de mesure (BT-130, BT-150) doit appartenir aux listes UN/ECE "
                "recommandations 20 et 21.",
    "BR-DEC-23": "Le montant net d'une ligne (BT-131) a au plus deux décimales.",
    "BR-S-01": "Une facture avec une ligne, une remise ou des frais en catégorie « taux "
               "normal » (S) doit avoir une ventilation de TVA de catégorie S.",
    "BR-S-02": "Une facture avec une ligne en catégorie S doit indiquer le numéro de TVA du "
               "vendeur (BT-31), son identifiant fiscal (BT-32) ou celui de son représentant "
               "fiscal (BT-63).",
    "BR-S-05": "En catégorie S, le taux de TVA de la ligne (BT-152) doit être supérieur à "
               "zéro.",
    "BR-S-08": "En catégorie S, la base de chaque taux (BT-116) doit être égale à la somme des "
               "lignes à ce taux, moins les remises et plus les frais du document à ce taux.",
    "BR-S-09": "En catégorie S, le montant de TVA (BT-117) doit être égal à la base (BT-116) "
               "multipliée par le taux (BT-119).",
    "BR-S-10": "Une ventilation de catégorie S ne doit pas avoir de motif d'exonération "
               "(BT-120, BT-121).",
    "BR-AE-01": "Une facture en autoliquidation (AE) doit avoir une seule ventilation de TVA "
                "de catégorie AE.",
    "BR-AE-02": "En autoliquidation (AE), le numéro de TVA du vendeur et celui de l'acheteur "
                "(ou son identifiant) sont obligatoires.",
    "BR-AE-10": "En autoliquidation (AE), la ventilation doit porter la mention « "
                "Autoliquidation » ou son code (BT-120, BT-121).",
    "BR-E-10": "En exonération (E), la ventilation doit indiquer le motif d'exonération "
               "(BT-120) ou son code (BT-121).",
    "BR-O-10": "Hors du champ de la TVA (O), la ventilation doit indiquer le motif (BT-120) "
               "ou son code (BT-121).",
    "BR-K-10": "En livraison intracommunautaire (K), la ventilation doit indiquer le motif "
               "d'exonération (BT-120) ou son code (BT-121).",
    "BR-G-10": "À l'exportation (G), la ventilation doit indiquer le motif d'exonération "
               "(BT-120) ou son code (BT-121).",
}


CATEGORIES = {
    "S": "taux normal (S)", "Z": "taux zéro (Z)", "E": "exonération (E)",
    "AE": "autoliquidation (AE)", "K": "livraison intracommunautaire (K)",
    "G": "exportation hors UE (G)", "O": "hors du champ de la TVA (O)",
    "L": "IGIC des Canaries (L)", "M": "IPSI de Ceuta et Melilla (M)",
    "B": "TVA en paiement scindé (B)", "IC": "livraison intracommunautaire (K)",
    "AF": "IGIC des Canaries (L)", "AG": "IPSI de Ceuta et Melilla (M)",
}
# What the rules of one VAT category say, rule by rule (EN 16931 numbers them alike).
CATEGORY_RULES = {
    "01": "une facture dont une ligne, une remise ou des frais relèvent de la catégorie {c} "
          "doit avoir une ventilation de TVA de cette catégorie (BG-23).",
    "02": "une ligne en catégorie {c} demande le numéro de TVA du vendeur (BT-31), son "
          "identifiant fiscal (BT-32) ou celui de son représentant fiscal (BT-63)"
          "{buyer}.",
    "03": "une remise du document en catégorie {c} demande le numéro de TVA du vendeur "
          "(BT-31), son identifiant fiscal (BT-32) ou celui de son représentant fiscal (BT-63)"
          "{buyer}.",
    "04": "des frais du document en catégorie {c} demandent le numéro de TVA du vendeur "
          "(BT-31), son identifiant fiscal (BT-32) ou celui de son représentant fiscal (BT-63)"
          "{buyer}.",
    "05": "le taux de TVA d'une ligne en catégorie {c} (BT-152) n'est pas celui que cette "
          "catégorie impose.",
    "06": "le taux de TVA d'une remise du document en catégorie {c} (BT-96) n'est pas celui "
          "que cette catégorie impose.",
    "07": "le taux de TVA de frais du document en catégorie {c} (BT-103) n'est pas celui que "
          "cette catégorie impose.",
    "08": "la base d'imposition de la catégorie {c} (BT-116) doit être égale à la somme des "
          "montants nets des lignes de cette catégorie et de ce taux, moins les remises et "
          "plus les frais du document correspondants.",
    "09": "le montant de TVA de la catégorie {c} (BT-117) n'est pas celui que la base et le "
          "taux donnent.",
    "10": "la ventilation de la catégorie {c} n'a pas le motif d'exonération (BT-120, BT-121) "
          "attendu.",
}


def _category_rule(rule: str) -> str | None:
    parts = rule.split("-")
    if len(parts) != 3 or parts[0] != "BR" or parts[1] not in CATEGORIES:
        return None
    template = CATEGORY_RULES.get(parts[2])
    if template is None or (parts[1] == "O" and parts[2] in ("02", "03", "04")):
        # (outside the scope of VAT, rules 02 to 04 forbid VAT numbers instead)
        return None
    buyer = (", et le numéro de TVA de l'acheteur (BT-48) ou son identifiant légal (BT-47)"
             if parts[1] in ("AE", "K", "IC") else "")
    text = template.format(c=CATEGORIES[parts[1]], buyer=buyer)
    return text[0].upper() + text[1:]


def french(rule: str, official: str) -> str:
    """The French wording of an official rule's message."""
    if rule.startswith("BR-FR"):
        return official  # written in French by its authors
    text = FRENCH.get(rule) or _category_rule(rule)
    if text is None and rule.startswith("BR-DEC-"):
        text = "Ce montant a au plus deux décimales."
    if text is None and rule.startswith("BR-CL-"):
        text = "Ce code n'appartient pas à la liste de codes qu'EN 16931 impose."
    if text:
        return f"[{rule}] {text}"
    return f"Règle {rule} non respectée (texte officiel en anglais) : {official}"
