"""The bank screen's "Utilisateur Bridge" section: one user, created, edited, deleted."""

from raccord.core.hub import Hub
from tests.console_client import Console


def test_one_bridge_user_is_created_edited_and_deleted_from_the_bank_screen(
        sandboxed_hub: Hub) -> None:
    console = Console(sandboxed_hub)
    page = console.http.get("/interfaces/bank").text
    assert "Créer un nouvel utilisateur Bridge" in page

    page = console.post("/interfaces/bank/bridge-user",
                        {"name": "Compta Démo", "email": "compta@demo.fr"}).text
    assert "Compta Démo" in page and "Créer un nouvel utilisateur Bridge" not in page
    assert sandboxed_hub.values("bank")["bridge_user_uuid"]

    page = console.post("/interfaces/bank/bridge-user",
                        {"name": "Compta", "email": "compta@demo.fr"}).text
    assert "Compta —" in page

    page = console.post("/interfaces/bank/bridge-user/delete").text
    assert "Créer un nouvel utilisateur Bridge" in page
    assert not sandboxed_hub.values("bank")["bridge_user_uuid"]


def test_a_bad_email_is_refused_in_place(sandboxed_hub: Hub) -> None:
    console = Console(sandboxed_hub)
    response = console.post("/interfaces/bank/bridge-user", {"name": "X", "email": "nope"})
    assert response.status_code == 400
    assert "adresse e-mail valide" in response.text
    assert not sandboxed_hub.values("bank")["bridge_user_uuid"]
