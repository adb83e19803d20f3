"""The "smaller" row of issue 16: the CLI's size cap, an expired CA, CSV cells a spreadsheet
would run, database files readable by everyone; and the two header helpers."""

from __future__ import annotations

import io
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from raccord.core.config import Environment
from raccord.core.httpsafe import back_to, content_disposition, safe_redirect
from raccord.core.hub import Hub
from raccord.features.einvoicing.intake import MAX_FILE_BYTES
from raccord.features.sirene.enrich import enrich
from tests.chorus.conftest import DEMO_SIRET
from tests.core.helpers import Cli, one_line


def test_chorus_send_refuses_a_file_over_the_portal_size(hub: Hub, cli: Cli,
                                                         tmp_path: Path) -> None:
    """CLI `chorus send` had no size cap (the API answers 413)."""
    hub.accounts.add_company("DEMO", "Démo SARL", DEMO_SIRET)
    big = tmp_path / "big.xml"
    with big.open("wb") as handle:
        handle.write(b"<Invoice>" + b" " * MAX_FILE_BYTES + b"</Invoice>")
    result = cli("chorus", "send", str(big), "--company", "DEMO")
    assert result.exit_code == 1
    assert "File over 10 MB" in one_line(result)


def authority(not_before: datetime, not_after: datetime) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Old Root CA")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM)


def test_an_expired_authority_is_refused_with_a_clear_message(hub: Hub, cli: Cli,
                                                              tmp_path: Path) -> None:
    """An expired CA was accepted silently."""
    now = datetime.now(UTC)
    expired = tmp_path / "old.pem"
    expired.write_bytes(authority(now - timedelta(days=800), now - timedelta(days=2)))
    result = cli("certificates", "add", str(expired))
    assert result.exit_code == 1
    assert "expired on" in one_line(result)
    assert hub.trust.list() == []
    future = tmp_path / "future.pem"
    future.write_bytes(authority(now + timedelta(days=3), now + timedelta(days=800)))
    assert "valid only from" in one_line(cli("certificates", "add", str(future)))
    good = tmp_path / "good.pem"
    good.write_bytes(authority(now - timedelta(days=1), now + timedelta(days=800)))
    assert cli("certificates", "add", str(good)).exit_code == 0


def test_sirene_csv_output_neutralises_formula_cells(hub: Hub) -> None:
    """SIRENE CSV output repeated cells starting with `=`."""
    text = ('code;siret;comment\n=HYPERLINK("http://evil.example");123;+cmd|x\n'
            "@SUM(1);-2;-12.5\n")
    out = io.StringIO()
    enrich(hub, io.StringIO(text), out, total=2)
    lines = out.getvalue().splitlines()
    assert lines[1].startswith("\"'=HYPERLINK(")
    assert ";'+cmd|x;" in lines[1]
    assert lines[2].startswith("'@SUM(1);-2;-12.5;")  # plain numbers stay numbers


def test_database_and_key_files_are_private(env: Environment) -> None:
    """Database files were mode 0644."""
    hub = Hub(env)
    assert hub.jobs is not None  # the job store is created with the queue
    for path in (env.home / "raccord.db", env.key_file, env.job_store):
        assert path.exists(), path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for companion in env.home.glob("raccord.db-*"):
        assert stat.S_IMODE(companion.stat().st_mode) == 0o600, companion


@pytest.mark.parametrize(("name", "header"), [
    ("facture.pdf", 'attachment; filename="facture.pdf"'),
    ('a"b\r\nSet-Cookie: x.pdf', "attachment; filename=\"a_bSet-Cookie_ x.pdf\"; "
                                 "filename*=UTF-8''a%22bSet-Cookie%3A%20x.pdf"),
    ("../../etc/passwd", 'attachment; filename="passwd"'),
    ("", 'attachment; filename="download"'),
    ("été.xml", "attachment; filename=\"ete.xml\"; filename*=UTF-8''%C3%A9t%C3%A9.xml"),
])
def test_content_disposition_is_one_latin_1_line(name: str, header: str) -> None:
    assert content_disposition(name) == header
    header.encode("latin-1")


@pytest.mark.parametrize(("target", "kept"), [
    ("/interfaces/sirene", True), ("/audit?interface=chorus#x", True), ("/", True),
    ("//evil.example", False), ("///evil.example", False), ("/\\evil.example", False),
    ("\\\\evil.example", False), ("https://evil.example/", False), ("javascript:alert(1)", False),
    ("/\tevil", False), ("/%0d%0aSet-Cookie:x", True), (" /x", False), ("", False),
    (None, False), ("/x\r\nLocation: //evil", False),
])
def test_safe_redirect_keeps_only_paths_on_this_site(target: str | None, kept: bool) -> None:
    assert safe_redirect(target) == (target if kept else "/")


def test_back_to_keeps_only_a_referer_on_this_site() -> None:
    assert back_to("http://hub.local:8000/audit?x=1", "hub.local:8000") == "/audit?x=1"
    assert back_to("https://evil.example/", "hub.local:8000") == "/"
    assert back_to("http://hub.local:8000//evil.example", "hub.local:8000") == "/"
    assert back_to(None, "hub.local:8000") == "/"
    assert back_to("/audit", "hub.local") == "/audit"
    assert back_to("//evil.example/", "hub.local") == "/"
    assert back_to("http://[::1/", "hub.local") == "/"
