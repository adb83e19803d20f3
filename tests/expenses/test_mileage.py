"""The fiscal mileage scale at each band edge, for each vehicle kind, and a trip priced on
both sides of an edge."""

from decimal import Decimal

import pytest
from typer.testing import CliRunner

from raccord.cli import app
from raccord.core.hub import Hub
from raccord.features.expenses import mileage
from raccord.features.expenses.mileage import ScaleRefused, trip_allowance, yearly_amount

SCALE = mileage.scale_for(None, 2026)
D = Decimal


def test_the_facts_file_example() -> None:
    assert yearly_amount(SCALE, "car", 5, D(12000)) == D("5679.00")
    assert yearly_amount(SCALE, "car", 5, D(12000), electric=True) == D("6814.80")


@pytest.mark.parametrize(("cv", "at_5000", "after", "at_20000", "beyond"), [
    (3, "2645.00", "2645.32", "7385.00", "7400.37"),
    (4, "3030.00", "3030.34", "8130.00", "8140.41"),
    (5, "3180.00", "3180.36", "8535.00", "8540.43"),
    (6, "3325.00", "3327.37", "8937.00", "8940.45"),
    (7, "3485.00", "3485.39", "9395.00", "9400.47"),
    (11, "3485.00", "3485.39", "9395.00", "9400.47"),
])
def test_cars_at_each_band_edge(cv: int, at_5000: str, after: str, at_20000: str,
                                beyond: str) -> None:
    assert yearly_amount(SCALE, "car", cv, D(5000)) == D(at_5000)
    assert yearly_amount(SCALE, "car", cv, D(5001)) == D(after)
    assert yearly_amount(SCALE, "car", cv, D(20000)) == D(at_20000)
    assert yearly_amount(SCALE, "car", cv, D(20001)) == D(beyond)


@pytest.mark.parametrize(("vehicle", "cv", "at_3000", "after", "at_6000", "beyond"), [
    ("moto", 1, "1185.00", "1188.10", "1485.00", "1488.25"),
    ("moto", 2, "1185.00", "1188.10", "1485.00", "1488.25"),
    ("moto", 4, "1404.00", "1404.08", "1650.00", "1650.28"),
    ("moto", 6, "1818.00", "1820.08", "2057.00", "2058.34"),
    ("moped", 1, "945.00", "948.08", "1185.00", "1188.20"),
])
def test_two_wheelers_at_each_band_edge(vehicle: str, cv: int, at_3000: str, after: str,
                                        at_6000: str, beyond: str) -> None:
    assert yearly_amount(SCALE, vehicle, cv, D(3000)) == D(at_3000)
    assert yearly_amount(SCALE, vehicle, cv, D(3001)) == D(after)
    assert yearly_amount(SCALE, vehicle, cv, D(6000)) == D(at_6000)
    assert yearly_amount(SCALE, vehicle, cv, D(6001)) == D(beyond)


def test_electric_adds_a_fifth_on_every_kind() -> None:
    assert yearly_amount(SCALE, "moto", 4, D(3000), electric=True) == D("1684.80")
    assert yearly_amount(SCALE, "moped", 1, D(1000), electric=True) == D("378.00")


def test_a_trip_across_the_band_edge_is_priced_on_both_sides() -> None:
    # 4,900 km already this year, then 200 km: 100 km at 0.636, 100 km on the next band.
    amount = trip_allowance(SCALE, "car", 5, D(4900), D(200))
    assert amount == yearly_amount(SCALE, "car", 5, D(5100)) - yearly_amount(
        SCALE, "car", 5, D(4900))
    assert amount == D("99.30")
    assert trip_allowance(SCALE, "car", 5, D(0), D(100)) == D("63.60")


def test_nonsense_is_refused() -> None:
    with pytest.raises(ScaleRefused):
        yearly_amount(SCALE, "bus", 5, D(10))
    with pytest.raises(ScaleRefused):
        yearly_amount(SCALE, "car", 0, D(10))


def test_the_operator_saves_a_new_year(hub: Hub) -> None:
    data = mileage.shipped()
    data["car"][2]["bands"][1] = {"upto": 20000, "rate": "0.400", "fixed": "1400"}
    mileage.save_scale(hub, 2027, data, "op")
    assert yearly_amount(mileage.scale_for(hub, 2027), "car", 5, D(10000)) == D("5400.00")
    assert yearly_amount(mileage.scale_for(hub, 2028), "car", 5, D(10000)) == D("5400.00")
    assert yearly_amount(mileage.scale_for(hub, 2026), "car", 5, D(10000)) == D("4965.00")
    with pytest.raises(ScaleRefused):
        mileage.save_scale(hub, 2027, {"car": []}, "op")


def test_allowance_command_prints_the_yearly_amount(monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path) -> None:
    monkeypatch.setenv("RACCORD_HOME", str(tmp_path))
    runner = CliRunner()
    done = runner.invoke(app, ["expenses", "allowance", "--cv", "5", "--km", "12000"])
    assert done.exit_code == 0, done.output
    assert done.output.strip() == "5679.00"
    done = runner.invoke(app, ["expenses", "allowance", "--cv", "5", "--km", "12000",
                               "--electric", "--year", "2025"])
    assert done.output.strip() == "6814.80"
    done = runner.invoke(app, ["expenses", "allowance", "--cv", "2", "--km", "3000",
                               "--vehicle", "moto"])
    assert done.output.strip() == "1185.00"
