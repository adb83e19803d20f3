"""SIREN / SIRET checks made before any call: Luhn keys, La Poste's exception, typing habits.

Every lookup checks numbers through `parse_number` (the core rules, plus a refusal of
non-ASCII digits the core lets through: see raccord/features/sirene/numbers.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from raccord.core.identifiers import (
    LA_POSTE_HEAD_OFFICE,
    LA_POSTE_SIREN,
    IdentifierError,
    luhn_ok,
    vat_number,
    with_luhn_key,
)
from raccord.features.sirene.numbers import parse_number as parse_identifier

sirens = st.integers(min_value=0, max_value=10**8 - 1).map(lambda n: with_luhn_key(f"{n:08d}"))
nics = st.integers(min_value=0, max_value=10**4 - 1).map(lambda n: f"{n:04d}")
separators = st.sampled_from(["", " ", ".", "\u00a0", "  "])


def spread(number: str, cuts: list[int], sep: str) -> str:
    """The number as a user may type it: groups separated by spaces or dots."""
    pieces, last = [], 0
    for cut in sorted(set(c % (len(number) + 1) for c in cuts)):
        pieces.append(number[last:cut])
        last = cut
    pieces.append(number[last:])
    return sep.join(p for p in pieces if p)


@given(sirens)
def test_a_luhn_valid_siren_is_accepted(siren: str) -> None:
    assert parse_identifier(siren).kind == "siren"
    assert parse_identifier(siren).value == siren


@given(sirens, st.integers(min_value=0, max_value=8), st.integers(min_value=1, max_value=9))
def test_changing_one_digit_of_a_siren_is_caught(siren: str, position: int, delta: int) -> None:
    changed = siren[:position] + str((int(siren[position]) + delta) % 10) + siren[position + 1:]
    with pytest.raises(IdentifierError) as caught:
        parse_identifier(changed)
    assert "check digit" in caught.value.message.en
    assert "clé de contrôle" in caught.value.message.fr


@given(sirens, nics)
def test_a_siret_built_from_a_siren_and_a_keyed_nic_is_accepted(siren: str, nic: str) -> None:
    siret = with_luhn_key(siren + nic)
    if siret.startswith(LA_POSTE_SIREN):
        return
    found = parse_identifier(siret)
    assert (found.kind, found.value, found.siren) == ("siret", siret, siren)


@given(sirens, nics, st.integers(min_value=1, max_value=9))
def test_a_wrong_siret_key_is_caught_with_the_reason(siren: str, nic: str, delta: int) -> None:
    siret = with_luhn_key(siren + nic)
    if siret.startswith(LA_POSTE_SIREN):
        return
    wrong = siret[:-1] + str((int(siret[-1]) + delta) % 10)
    with pytest.raises(IdentifierError) as caught:
        parse_identifier(wrong)
    assert "SIRET" in caught.value.message.en and "check digit" in caught.value.message.en


@given(st.integers(min_value=0, max_value=10**5 - 1))
def test_la_poste_establishments_use_the_sum_of_digits(nic: int) -> None:
    siret = f"{LA_POSTE_SIREN}{nic:05d}"
    multiple_of_five = sum(int(c) for c in siret) % 5 == 0
    if siret == LA_POSTE_HEAD_OFFICE:
        assert luhn_ok(siret)
        assert parse_identifier(siret).value == siret
    elif multiple_of_five:
        assert parse_identifier(siret).value == siret
    else:
        with pytest.raises(IdentifierError):
            parse_identifier(siret)


def test_known_la_poste_numbers() -> None:
    assert parse_identifier("35600000049837").kind == "siret"  # sum 50, not Luhn-valid
    assert not luhn_ok("35600000049837")
    assert parse_identifier(LA_POSTE_HEAD_OFFICE).kind == "siret"
    assert parse_identifier(LA_POSTE_SIREN).kind == "siren"


@given(sirens, nics, st.lists(st.integers(min_value=0, max_value=14), max_size=4), separators)
def test_spaces_and_dots_typed_by_users_are_accepted(siren: str, nic: str, cuts: list[int],
                                                    sep: str) -> None:
    siret = with_luhn_key(siren + nic)
    if siret.startswith(LA_POSTE_SIREN):
        return
    typed = spread(siret, cuts, sep)
    assert parse_identifier(f" {typed} ").value == siret


@given(st.text(alphabet="0123456789", min_size=1, max_size=20).filter(
    lambda s: len(s) not in (9, 14)))
def test_a_wrong_length_names_the_length_and_what_is_expected(number: str) -> None:
    with pytest.raises(IdentifierError) as caught:
        parse_identifier(number)
    assert f"has {len(number)} digits" in caught.value.message.en
    assert "9 digits (SIREN)" in caught.value.message.en
    assert "14 chiffres (SIRET)" in caught.value.message.fr


def test_only_the_allowed_kind_is_accepted() -> None:
    with pytest.raises(IdentifierError) as caught:
        parse_identifier("732829320", allow=("siret",))
    assert "expected 14 digits (SIRET)" in caught.value.message.en


@given(st.text(min_size=1, max_size=16).filter(
    lambda s: any(c not in "0123456789 .\u00a0\t-" for c in s)))
def test_letters_are_refused_before_anything_else(text: str) -> None:
    with pytest.raises(IdentifierError) as caught:
        parse_identifier(text)
    assert "other than digits" in caught.value.message.en


@pytest.mark.parametrize("typed", ["²²²²²²²²²", "７３２８２９３２０", "٣٣٣٣٣٣٣٣٣"])
def test_digits_other_than_0_to_9_are_refused(typed: str) -> None:
    with pytest.raises(IdentifierError) as caught:
        parse_identifier(typed)
    assert "other than digits" in caught.value.message.en


@given(sirens)
def test_vat_number_key_follows_the_rule(siren: str) -> None:
    vat = vat_number(siren)
    assert vat.startswith("FR") and vat.endswith(siren) and len(vat) == 13
    assert int(vat[2:4]) == int(siren + "12") % 97


def test_vat_number_of_a_known_company() -> None:
    assert vat_number("552081317") == "FR03552081317"
