from raccord.core.i18n import Tr
from raccord.interfaces.base import InterfaceSpec, TestDef
from raccord.interfaces.exchange import sim_directory as sandbox
from raccord.interfaces.exchange.check import run_test
from raccord.interfaces.exchange.settings import SCHEMA
from raccord.interfaces.exchange.simulator import make_simulator

SPEC = InterfaceSpec(
    schema=SCHEMA,
    tests=(TestDef("calendar", Tr("Tester", "Test"), run_test),),
    simulator=make_simulator,
    sandbox_values=lambda base: {
        "graph": True, "oauth": False, "impersonation": False,
        "tenant_id": sandbox.TENANT_ID, "client_id": sandbox.CLIENT_ID,
        "client_secret": sandbox.CLIENT_SECRET,
        "graph_url": f"{base}/v1.0", "login_url": f"{base}/login",
        "ews_url": f"{base}/EWS/Exchange.asmx", "server_version": "Exchange2016",
        "delegate_user": sandbox.DELEGATE_USER, "password": sandbox.DELEGATE_PASSWORD,
        "test_user": sandbox.TEST_USER,
    },
)
