"""Google Maps web services (Legacy) simulator: Place Autocomplete and Distance Matrix over a
handful of French places, per-key validation, and Google's HTTP-200 `status` answers.

Distances are great-circle distances (haversine) times a road factor; durations follow from
an average speed that grows with the trip's length."""

from __future__ import annotations

import hashlib
import math
import unicodedata
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Query

from raccord.core.simulator import Simulator, build

SANDBOX_PLACES_KEY = "AIzaSyRaccordSandboxPlaces0000000000001"
SANDBOX_DISTANCE_KEY = "AIzaSyRaccordSandboxDistance00000000002"
OVER_LIMIT_KEY = "AIzaSyRaccordSandboxOverQueryLimit00003"
ROAD_FACTOR = 1.25
EARTH_RADIUS_KM = 6371.0
NO_KEY = ("You must use an API key to authenticate each request to Google Maps Platform APIs. "
          "For additional information, please refer to http://g.co/dev/maps-no-account")
BAD_KEY = "The provided API key is invalid."
NOT_AUTHORIZED = "This API project is not authorized to use this API."


@dataclass(frozen=True)
class Place:
    description: str
    lat: float
    lng: float
    types: tuple[str, ...]

    @property
    def place_id(self) -> str:
        return "ChIJ" + hashlib.sha1(self.description.encode()).hexdigest()[:23]


CITY = ("locality", "political", "geocode")
STATION = ("transit_station", "point_of_interest", "establishment")
STREET = ("route", "geocode")
PLACES = (
    Place("Paris, France", 48.8566, 2.3522, CITY),
    Place("Tour Eiffel, Avenue Gustave Eiffel, Paris, France", 48.8584, 2.2945,
          ("tourist_attraction", "point_of_interest", "establishment")),
    Place("Gare de Lyon, Place Louis-Armand, Paris, France", 48.8443, 2.3744, STATION),
    Place("Lyon, France", 45.7640, 4.8357, CITY),
    Place("Gare de Lyon-Part-Dieu, Place Charles Béraudier, Lyon, France", 45.7606, 4.8597,
          STATION),
    Place("Place Bellecour, Lyon, France", 45.7578, 4.8320, STREET),
    Place("Rue de la République, Lyon, France", 45.7634, 4.8357, STREET),
    Place("Marseille, France", 43.2965, 5.3698, CITY),
    Place("Toulouse, France", 43.6047, 1.4442, CITY),
    Place("Bordeaux, France", 44.8378, -0.5792, CITY),
    Place("Nantes, France", 47.2184, -1.5536, CITY),
    Place("Lille, France", 50.6292, 3.0573, CITY),
    Place("Strasbourg, France", 48.5734, 7.7521, CITY),
    Place("Aéroport Nice Côte d'Azur, Nice, France", 43.6584, 7.2159,
          ("airport", "point_of_interest", "establishment")),
)


def fold(text: str) -> str:
    """Lower case without accents, one character for one, so offsets stay true."""
    return "".join(unicodedata.normalize("NFD", c)[0] for c in text).lower()


def matches(place: Place, text: str) -> list[dict[str, int]] | None:
    """Where each typed word starts a word of the place's name, or None."""
    name = fold(place.description)
    found = []
    for word in fold(text).replace(",", " ").split():
        at = next((i for i in range(len(name)) if name.startswith(word, i)
                   and (i == 0 or not name[i - 1].isalnum())), None)
        if at is None:
            return None
        found.append({"length": len(word), "offset": at})
    return found or None


def prediction(place: Place, found: list[dict[str, int]]) -> dict[str, Any]:
    terms, offset = [], 0
    for part in place.description.split(", "):
        terms.append({"offset": offset, "value": part})
        offset += len(part) + 2
    main, _, secondary = place.description.partition(", ")
    return {"description": place.description, "matched_substrings": found,
            "place_id": place.place_id, "reference": place.place_id,
            "structured_formatting": {
                "main_text": main,
                "main_text_matched_substrings": [m for m in found if m["offset"] < len(main)],
                "secondary_text": secondary},
            "terms": terms, "types": list(place.types)}


def search(text: str) -> list[tuple[Place, list[dict[str, int]]]]:
    """Places whose name the text completes, names starting with it first."""
    found = [(p, m) for p in PLACES if (m := matches(p, text)) is not None]
    return sorted(found, key=lambda pm: pm[1][0]["offset"])


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def resolve(text: str) -> tuple[str, tuple[float, float]] | None:
    text = text.strip()
    if text.startswith("place_id:"):
        wanted = text[len("place_id:"):]
        place = next((p for p in PLACES if p.place_id == wanted), None)
    else:
        try:
            lat, lng = (float(v) for v in text.split(","))
            return f"{lat:.5f},{lng:.5f}", (lat, lng)
        except ValueError:
            place = next((p for p, _ in search(text)), None)
    return None if place is None else (place.description, (place.lat, place.lng))


def distance_text(metres: int, imperial: bool) -> str:
    if imperial:
        miles = metres / 1609.344
        return f"{miles:.1f} mi" if miles < 10 else f"{round(miles):,} mi"
    if metres < 1000:
        return f"{metres} m"
    return f"{metres / 1000:.1f} km" if metres < 10000 else f"{round(metres / 1000):,} km"


def duration_text(seconds: int, french: bool) -> str:
    minutes = max(1, round(seconds / 60))
    hours, minutes = divmod(minutes, 60)
    if french:
        return f"{hours} h {minutes} min" if hours else f"{minutes} min"
    parts = [f"{hours} hour{'s' if hours > 1 else ''}"] if hours else []
    parts.append(f"{minutes} min{'s' if minutes != 1 else ''}")
    return " ".join(parts)


def element(a: tuple[float, float], b: tuple[float, float], imperial: bool,
            french: bool) -> dict[str, Any]:
    km = haversine_km(a, b) * ROAD_FACTOR
    metres = max(1, round(km * 1000))
    speed = 30 if km < 20 else 70 if km < 80 else 95  # km/h: town, roads, motorway
    seconds = max(60, round(km / speed * 3600))
    return {"distance": {"text": distance_text(metres, imperial), "value": metres},
            "duration": {"text": duration_text(seconds, french), "value": seconds},
            "status": "OK"}


def make_simulator() -> Simulator:
    sim = Simulator("google")
    sim.state["keys"] = {SANDBOX_PLACES_KEY: {"places"}, SANDBOX_DISTANCE_KEY: {"distance"},
                         OVER_LIMIT_KEY: {"places", "distance"}}
    app = FastAPI(title="Google Maps web services, Legacy (simulated)")

    def refusal(key: str | None, api: str) -> tuple[str, str] | None:
        if not key:
            return "REQUEST_DENIED", NO_KEY
        apis = sim.state["keys"].get(key)
        if apis is None:
            return "REQUEST_DENIED", BAD_KEY
        if api not in apis:
            return "REQUEST_DENIED", NOT_AUTHORIZED
        if key == OVER_LIMIT_KEY:
            return "OVER_QUERY_LIMIT", "You have exceeded your rate-limit for this API."
        return None

    @app.get("/maps/api/place/autocomplete/json")
    def autocomplete(input: str | None = None, key: str | None = None,
                     sessiontoken: str | None = None, language: str | None = None) -> Any:
        refused = refusal(key, "places")
        if refused is not None:
            return {"error_message": refused[1], "predictions": [], "status": refused[0]}
        if not input:
            return {"error_message": "Missing the 'input' parameter.", "predictions": [],
                    "status": "INVALID_REQUEST"}
        if sessiontoken:
            sim.counts["sessions:" + sessiontoken] += 1
        found = search(input)[:5]
        return {"predictions": [prediction(p, m) for p, m in found],
                "status": "OK" if found else "ZERO_RESULTS"}

    @app.get("/maps/api/distancematrix/json")
    def distance_matrix(origins: str | None = None, destinations: str | None = None,
                        key: str | None = None, units: str = "metric",
                        language: str | None = None, mode: str = Query("driving")) -> Any:
        empty: dict[str, Any] = {"destination_addresses": [], "origin_addresses": [],
                                 "rows": []}
        refused = refusal(key, "distance")
        if refused is not None:
            return {**empty, "error_message": refused[1], "status": refused[0]}
        if not origins or not destinations:
            return {**empty, "status": "INVALID_REQUEST", "error_message": "Invalid request. "
                    "Missing the 'origins' or 'destinations' parameter."}
        starts, ends = origins.split("|"), destinations.split("|")
        if len(starts) > 25 or len(ends) > 25:
            return {**empty, "status": "MAX_DIMENSIONS_EXCEEDED"}
        if len(starts) * len(ends) > 100:
            return {**empty, "status": "MAX_ELEMENTS_EXCEEDED"}
        froms, tos = [resolve(s) for s in starts], [resolve(e) for e in ends]
        imperial, french = units == "imperial", (language or "").startswith("fr")
        rows = [{"elements": [element(a[1], b[1], imperial, french) if a and b
                              else {"status": "NOT_FOUND"} for b in tos]} for a in froms]
        return {"destination_addresses": [t[0] if t else "" for t in tos],
                "origin_addresses": [f[0] if f else "" for f in froms],
                "rows": rows, "status": "OK"}

    def error_body(status: int) -> dict[str, Any]:
        if status == 429:
            return {"error_message": "You have exceeded your rate-limit for this API.",
                    "status": "OVER_QUERY_LIMIT"}
        return {"error_message": "An internal error occurred.", "status": "UNKNOWN_ERROR"}

    return build(sim, app, error_body)
