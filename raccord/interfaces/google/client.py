"""Google Maps web services (Legacy): Place Autocomplete and Distance Matrix.

Both answer HTTP 200 even when they refuse, with a `status` (OK, ZERO_RESULTS,
REQUEST_DENIED, OVER_QUERY_LIMIT, INVALID_REQUEST, ...) and an `error_message`. The key travels
in the query string (`key=`): the call log masks it, and it never enters a message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from raccord.core.diagnosis import Diagnosis, Problem, ServiceError
from raccord.core.http import RetryPolicy
from raccord.core.i18n import Tr

if TYPE_CHECKING:
    from raccord.core.hub import Hub

AUTOCOMPLETE_PATH = "/maps/api/place/autocomplete/json"
DISTANCE_PATH = "/maps/api/distancematrix/json"
PLACES = Tr("Place Autocomplete", "Place Autocomplete")
DISTANCE = Tr("Distance Matrix", "Distance Matrix")


def status_diagnosis(api: Tr, key_label: Tr, status: str, message: str) -> Diagnosis:
    """Plain words for a non-OK `status` of a Maps answer."""
    said = f" ({status}: {message})" if message else f" ({status})"
    if status == "REQUEST_DENIED":
        return Diagnosis(Problem.AUTH, Tr(
            f"Google refuse la clé{said} : la « {key_label.fr} » est fausse, ou l'API "
            f"{api.fr} (Legacy) n'est pas activée pour son projet ou ses restrictions. Vérifiez "
            "dans https://console.cloud.google.com/ > API et services.",
            f"Google refuses the key{said}: the '{key_label.en}' is wrong, or the {api.en} "
            "API (Legacy) is not enabled for its project or its restrictions. Check in "
            "https://console.cloud.google.com/ > APIs & Services."))
    if status == "OVER_DAILY_LIMIT":  # not passing: trying again today would not help
        return Diagnosis(Problem.REFUSED, Tr(
            f"Limite quotidienne de Google atteinte{said} : clé invalide, facturation non "
            "activée sur le projet ou plafond d'utilisation atteint.",
            f"Google's daily limit reached{said}: invalid key, billing not enabled on the "
            "project, or usage cap reached."))
    if status == "OVER_QUERY_LIMIT":
        return Diagnosis(Problem.RATE_LIMIT, Tr(
            f"Trop de requêtes vers {api.fr}{said} : réessayez dans un instant ; si cela "
            "se répète, relevez le quota du projet Google.",
            f"Too many requests to {api.en}{said}: try again in a moment; if it happens "
            "again, raise the Google project's quota."))
    if status == "UNKNOWN_ERROR":
        return Diagnosis(Problem.SERVER, Tr(
            f"Erreur passagère de Google{said} : réessayez.",
            f"Passing Google error{said}: try again."))
    if status == "INVALID_REQUEST":
        return Diagnosis(Problem.PROTOCOL, Tr(
            f"Google juge la requête invalide{said} : une adresse est-elle vide ?",
            f"Google finds the request invalid{said}: is an address empty?"))
    return Diagnosis(Problem.REFUSED, Tr(f"Google a refusé la requête{said}.",
                                         f"Google refused the request{said}."))


class MapsError(ServiceError):
    """A Maps answer that is not OK, with Google's `status` (REQUEST_DENIED, NOT_FOUND...)."""

    def __init__(self, diagnosis: Diagnosis, status: str) -> None:
        super().__init__(diagnosis)
        self.status = status


def for_employee(error: ServiceError) -> Tr:
    """What the employee typing a trip reads: what to do now, not how to fix the key."""
    status = getattr(error, "status", "")
    if status in ("NOT_FOUND", "ZERO_RESULTS"):
        return Tr("Adresse introuvable : choisissez le départ et l'arrivée parmi les "
                  "propositions, ou saisissez la distance à la main.",
                  "Address not found: pick the start and the end among the suggestions, or "
                  "type the distance by hand.")
    if status in ("MAX_ELEMENTS_EXCEEDED", "MAX_DIMENSIONS_EXCEEDED", "MAX_ROUTE_LENGTH_EXCEEDED"):
        return Tr("Trajet trop long ou trop d'adresses pour le calcul : saisissez la distance "
                  "à la main.", "Trip too long or too many addresses to compute: type the "
                  "distance by hand.")
    if status in ("OVER_QUERY_LIMIT", "UNKNOWN_ERROR") or error.diagnosis.transient:
        return Tr("Le service d'adresses et de distances est momentanément saturé : "
                  "réessayez dans une minute, ou saisissez l'adresse et la distance à la main.",
                  "The address and distance service is busy right now: try again in a "
                  "minute, or type the address and the distance by hand.")
    if status == "INVALID_REQUEST":
        return Tr("Renseignez une adresse de départ et une adresse d'arrivée.",
                  "Fill in a start address and an end address.")
    if status == "NO_ROUTE":
        return Tr("Pas d'itinéraire routier entre ces adresses : saisissez la distance à la "
                  "main.", "No road route between these addresses: type the distance by hand.")
    return Tr("Le calcul automatique n'est pas disponible (réglage à revoir par "
              "l'administrateur) : saisissez l'adresse et la distance à la main.",
              "Automatic computing is not available (a setting the administrator must "
              "check): type the address and the distance by hand.")


@dataclass(frozen=True)
class Suggestion:
    description: str
    place_id: str
    main_text: str
    secondary_text: str


@dataclass(frozen=True)
class Route:
    origin: str
    destination: str
    metres: int
    seconds: int

    @property
    def km(self) -> float:
        return round(self.metres / 1000, 1)


class MapsClient:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.values = hub.values("google")
        self.http = hub.outgoing("google", timeout=10.0)

    def _get(self, path: str, params: list[tuple[str, str]], api: Tr, key_field: str,
             attempts: int) -> dict[str, Any]:
        key = str(self.values.get(key_field) or "")
        # The query goes apart from the URL the call log records: neither the key (which the
        # log would mask anyway) nor employees' trips, often from home, are written there.
        url = f"{str(self.values['url']).rstrip('/')}{path}"
        query = [*params, ("key", key)]
        label = self.hub.settings.field("google", key_field).label

        def judge(response: httpx.Response) -> Diagnosis | None:
            try:
                body = response.json()
                status = str(body["status"])
            except (ValueError, KeyError, TypeError):
                return Diagnosis(Problem.PROTOCOL, Tr(
                    "Réponse sans « status » : l'URL des API Google Maps est-elle la bonne ?",
                    "Answer without 'status': is the Google Maps API URL right?"))
            if status in ("OK", "ZERO_RESULTS"):
                return None
            message = self.hub.redactor.text(str(body.get("error_message") or ""))
            seen.append(status)
            return status_diagnosis(api, label, status, message)

        seen: list[str] = []  # the statuses Google answered, to name them to the employee
        try:
            response = self.http.request("GET", url, params=query,
                                         headers={"Accept": "application/json"}, judge=judge,
                                         retry=RetryPolicy(attempts=attempts, delay_s=1.0))
        except MapsError:
            raise
        except ServiceError as error:
            raise MapsError(error.diagnosis, seen[-1] if seen else "") from None
        body: dict[str, Any] = response.json()
        return body

    def predictions(self, text: str, session_token: str, language: str = "fr",
                    attempts: int = 1) -> list[Suggestion]:
        """Addresses completing `text`. One `session_token` per address being typed (Google
        bills a typing session, not each keystroke)."""
        params = [("input", text), ("language", language)]
        if session_token:
            params.append(("sessiontoken", session_token))
        body = self._get(AUTOCOMPLETE_PATH, params, PLACES, "places_key", attempts)
        suggestions = []
        for item in body.get("predictions") or []:
            formatting = item.get("structured_formatting") or {}
            suggestions.append(Suggestion(
                str(item.get("description", "")), str(item.get("place_id", "")),
                str(formatting.get("main_text", "")), str(formatting.get("secondary_text", ""))))
        return suggestions

    def route(self, origin: str, destination: str, attempts: int = 2) -> Route:
        """Driving distance between two addresses (or `place_id:...`, or `lat,lng`)."""
        body = self._get(DISTANCE_PATH, [("origins", origin), ("destinations", destination),
                                         ("mode", "driving"), ("units", "metric")],
                         DISTANCE, "distance_key", attempts)
        try:
            element = body["rows"][0]["elements"][0]
        except (KeyError, IndexError, TypeError):
            raise ServiceError(Diagnosis(Problem.PROTOCOL, Tr(
                "Réponse de Distance Matrix sans résultat pour ce trajet.",
                "Distance Matrix answer without a result for this trip."))) from None
        status = element.get("status")
        if status == "NOT_FOUND":
            raise MapsError(Diagnosis(Problem.REFUSED, Tr(
                f"Google ne trouve pas l'adresse de départ « {origin} » ou d'arrivée "
                f"« {destination} » : choisissez-les dans les propositions.",
                f"Google cannot locate the start '{origin}' or the end '{destination}': "
                "pick them among the suggestions.")), "NOT_FOUND")
        if status != "OK":
            raise MapsError(Diagnosis(Problem.REFUSED, Tr(
                f"Pas d'itinéraire routier entre « {origin} » et « {destination} » ({status}) :"
                " saisissez la distance à la main.",
                f"No road route between '{origin}' and '{destination}' ({status}): type the "
                "distance by hand.")), "NO_ROUTE" if status == "ZERO_RESULTS" else str(status))
        start = (body.get("origin_addresses") or [origin])[0]
        end = (body.get("destination_addresses") or [destination])[0]
        return Route(start, end, int(element["distance"]["value"]),
                     int(element["duration"]["value"]))


def _refuse_unless_on(values: dict[str, Any], keys: tuple[str, ...]) -> None:
    labels = {"places_enabled": PLACES, "distance_enabled": DISTANCE}
    off = [labels[k] for k in keys if not values.get(k)]
    if off:
        raise ServiceError(Diagnosis(Problem.DISABLED, Tr(
            "API Google désactivée : " + ", ".join(o.fr for o in off) + ". Activez-la dans "
            "Interfaces tierces > API Google (Distance Matrix nécessite Place Autocomplete).",
            "Google API switched off: " + ", ".join(o.en for o in off) + ". Switch it on in "
            "Third-party interfaces > Google APIs (Distance Matrix needs Place Autocomplete).")))


def autocomplete(hub: Hub, text: str, session_token: str) -> list[Suggestion]:
    """Address suggestions for the start or end of a trip, as the user types."""
    client = MapsClient(hub)
    _refuse_unless_on(client.values, ("places_enabled",))
    if not text.strip():
        return []
    return client.predictions(text, session_token)


def distance_km(hub: Hub, origin: str, destination: str) -> float:
    """Driving distance in kilometres (one decimal) between two addresses."""
    client = MapsClient(hub)
    _refuse_unless_on(client.values, ("places_enabled", "distance_enabled"))
    return client.route(origin, destination).km
