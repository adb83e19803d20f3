"""The French receipt extractor on text layouts as Tesseract (or a PDF's text layer) gives
them: comma decimals, TOTAL TTC, TVA by rate, HT, dates in several writings, SIRET, the
merchant from the header, and slashed zeros read as 6 or 8."""

from datetime import date
from decimal import Decimal

import pytest

from raccord.interfaces.ocr.french import read_text


def read(text: str):
    return read_text([(line, 0.9) for line in text.strip().splitlines()])


def vat(reading) -> list[tuple[str, str]]:
    return [(str(v.rate), str(v.amount)) for v in reading.vat]


def test_supermarket_ticket_with_a_vat_table() -> None:
    r = read("""
        CARREFOUR MARKET
        12 RUE DE LA REPUBLIQUE
        69002 LYON
        SIRET 542 107 651 00012
        17/11/2026 12:57
        EAU MINERALE 1,5L          0,52
        PILES AA X4                4,96
        TOTAL TTC                  5,48 €
        CB                         5,48
        TAUX     HT    TVA    TTC
        20%    4,13   0,83   4,96
        5,5%   0,49   0,03   0,52
    """)
    assert r.merchant == "CARREFOUR MARKET"
    assert r.date == date(2026, 11, 17) and r.time == "12:57"
    assert r.total_incl_tax == Decimal("5.48") and r.total_excl_tax == Decimal("4.62")
    assert vat(r) == [("20", "0.83"), ("5.5", "0.03")]
    assert r.siret == "54210765100012" and r.currency == "EUR" and r.category == "shopping"
    assert r.confidence["total_incl_tax"] > 0.8


def test_restaurant_bill_with_ht_and_vat_lines() -> None:
    r = read("""
        BRASSERIE DU COMMERCE
        TABLE 12   COUVERTS 2
        Le 3 mars 2026 à 21h15
        MENU DU JOUR              19,50
        VERRE DE VIN               6,00
        Total HT                  22,73
        TVA 10%                    1,77
        TVA 20%                    1,00
        NET A PAYER               25,50
    """)
    assert r.date == date(2026, 3, 3)
    assert r.total_incl_tax == Decimal("25.50") and r.total_excl_tax == Decimal("22.73")
    assert vat(r) == [("20", "1.00"), ("10", "1.77")]
    assert r.category == "food"


@pytest.mark.parametrize(("written", "day"), [
    ("12/03/2026", date(2026, 3, 12)), ("12/03/26", date(2026, 3, 12)),
    ("12-03-2026", date(2026, 3, 12)), ("12.03.2026", date(2026, 3, 12)),
    ("2026-03-12", date(2026, 3, 12)), ("12 mars 2026", date(2026, 3, 12)),
    ("1er février 2025", date(2025, 2, 1)), ("07 AOUT 2025", date(2025, 8, 7)),
    ("DATE : 12/03/2026 HEURE : 12h47", date(2026, 3, 12)),
    ("07/61/2025 17h59", date(2025, 1, 7)),  # a slashed zero read as 6
    ("Date 8 septembre 2625", date(2025, 9, 8)),
])
def test_dates_in_several_writings(written: str, day: date) -> None:
    r = read(f"BOULANGERIE PAUL\n{written}\nTOTAL 4,20")
    assert r.date == day


def test_fuel_ticket_ignores_litres_and_unit_prices() -> None:
    r = read("""
        TOTALENERGIES RELAIS
        GAZOLE POMPE 4
        37,99 L x 1,762 EUR/L     66,94
        TOTAL                     66,94 EUR
        TVA 20% SUR 55,78          11,16
    """)
    assert r.total_incl_tax == Decimal("66.94")
    assert vat(r) == [("20", "11.16")] and r.category == "gasoline"
    assert r.total_excl_tax == Decimal("55.78")


def test_cash_handed_over_and_change_are_not_the_total() -> None:
    r = read("""
        LE PETIT ZINC
        CAFE                       2,20
        A PAYER                    2,20
        ESPECES                   10,00
        RENDU                      7,80
        TVA 10%                    0,20
        20/07/2025
    """)
    assert r.total_incl_tax == Decimal("2.20")
    assert vat(r) == [("10", "0.20")]


def test_slashed_zeros_are_read_back_when_the_numbers_disagree() -> None:
    r = read("""
        SAEMES PARKING
        STATIONNEMENT             19,50
        TOTAL                     19,50
        TAUX  HT   TVA  TTC
        29%   16,25  3,25  19,50
        21:08 10 octobre 2026
    """)
    assert vat(r) == [("20", "3.25")]
    r = read("""
        MONOPRIX
        TOTAL TTC                 15,48
        TVA 20% 1,94
        TVA 16% 6,39
        TVA 5,5% 6,09
    """)
    assert vat(r) == [("20", "1.94"), ("10", "0.39"), ("5.5", "0.09")]


def test_letters_read_for_digits_in_amounts() -> None:
    r = read("HOTEL DU PARC\n14/02/2026\nTOTAL TTC 1O5,5O\nTVA 10% 9,59")
    assert r.total_incl_tax == Decimal("105.50")


def test_amount_on_the_line_below_its_label() -> None:
    r = read("INDIGO\n01/02/2026\nMONTANT TTC\n18,00\nTVA 20% 3,00")
    assert r.total_incl_tax == Decimal("18.00")


def test_thousands_grouped_with_a_space() -> None:
    r = read("HOTEL DE LA PAIX\n02/02/2026\nTOTAL TTC 1 234,50\nTVA 10% 112,23")
    assert r.total_incl_tax == Decimal("1234.50")


def test_a_text_that_is_no_receipt_has_no_total_and_no_date() -> None:
    r = read("Bonjour,\nVoici le compte rendu de la réunion.\nCordialement")
    assert r.total_incl_tax is None and r.date is None


def test_vat_written_before_its_base_and_a_street_word_inside_a_name() -> None:
    r = read("""
        AUTOROUTES DU SUD DE LA FRANCE
        Pizzeria Da Luigi
        Le 02.03.26
        SOUS-TOTAL 36,50
        TOTAL : 36,50 €
        TVA 10% : 2,77 € (HT 27,68)
        TVA 20% : 1,17 € (HT 5,83)
    """)
    assert r.merchant == "AUTOROUTES DU SUD DE LA FRANCE"
    assert vat(r) == [("20", "1.17"), ("10", "2.77")]
    assert r.total_incl_tax == Decimal("36.50") and r.total_excl_tax == Decimal("32.56")


def test_a_comma_lost_in_a_blur_is_read_back_from_the_vat() -> None:
    r = read("PEAGE DE VIENNE\n26/02/2026\nMONTANT TTC EUR 1280\nDONT TVA 20% EUR 213")
    assert r.total_incl_tax == Decimal("12.80") and vat(r) == [("20", "2.13")]
    assert r.confidence["total_incl_tax"] < 0.9
