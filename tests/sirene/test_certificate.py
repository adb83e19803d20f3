"""The seed's case: SIRENE's certificate comes from an authority the server does not know
(Certigna). Lookups fail with the TLS diagnosis pointing to the Certificates page, then work
at once when that authority is imported, with no restart."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from raccord.core.diagnosis import Problem, ServiceError
from raccord.core.hub import Hub
from raccord.core.settings_store import SYSTEM
from raccord.features.sirene.lookup import lookup
from raccord.interfaces.sirene.simulator import SANDBOX_KEY, make_simulator
from raccord.sandbox.server import SandboxCA, ThreadedServer, sandbox_app


@pytest.fixture(scope="module")
def other_authority(tmp_path_factory: pytest.TempPathFactory
                    ) -> Iterator[tuple[SandboxCA, str]]:
    ca = SandboxCA(tmp_path_factory.mktemp("other-ca")).ensure()
    server = ThreadedServer(sandbox_app([make_simulator(20)]), ca=ca).start()
    yield ca, f"{server.url}/sirene"
    server.stop()


def test_an_unknown_authority_is_diagnosed_then_imported(
        hub: Hub, other_authority: tuple[SandboxCA, str]) -> None:
    ca, url = other_authority
    hub.settings.set_many("sirene", {"enabled": True, "url": url, "token": SANDBOX_KEY}, SYSTEM)
    siret = next(iter(make_simulator(20).state["establishments"]))
    with pytest.raises(ServiceError) as caught:
        lookup(hub, siret)
    diagnosis = caught.value.diagnosis
    assert diagnosis.problem is Problem.TLS_UNKNOWN_CA
    assert diagnosis.link == "/certificates"
    assert "certificate authority raccord does not know" in diagnosis.message.en
    assert "Certigna" in diagnosis.message.en and "Certificats" in diagnosis.message.fr
    [report] = hub.run_tests("sirene")
    assert not report.ok and report.failure is not None
    assert report.failure.link == "/certificates"

    hub.trust.add(ca.ca_pem.read_bytes(), "admin")  # what the Certificates page does
    assert lookup(hub, siret).siret == siret
    assert hub.run_tests("sirene")[0].ok


def test_importing_the_authority_in_the_console_fixes_lookups_at_once(
        hub: Hub, other_authority: tuple[SandboxCA, str]) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    from tests.console_client import Console

    ca, url = other_authority
    hub.settings.set_many("sirene", {"enabled": True, "url": url, "token": SANDBOX_KEY}, SYSTEM)
    siret = next(iter(make_simulator(20).state["establishments"]))
    with pytest.raises(ServiceError):
        lookup(hub, siret)
    console = Console(hub)
    # The seed's Certigna root comes as a DER file (certigna.der).
    der = x509.load_pem_x509_certificate(ca.ca_pem.read_bytes()).public_bytes(Encoding.DER)
    page = console.http.post("/certificates", data={"csrf": console.csrf("/certificates")},
                             files={"file": ("certigna.der", der, "application/x-x509-ca-cert")})
    assert page.status_code == 200 and "raccord sandbox" in page.text
    assert lookup(hub, siret).siret == siret
