"""The layers hold at run time too: a production process loads no simulator."""

import subprocess
import sys

PROBE = ("import sys, raccord.web, raccord.cli; "
         "print('\\n'.join(m for m in sys.modules if m.startswith('raccord')))")


def test_the_web_app_and_the_cli_load_no_simulator() -> None:
    loaded = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                            check=True).stdout.split()
    assert "raccord.interfaces.chorus" in loaded  # the interfaces themselves are there
    simulators = [m for m in loaded if m.endswith((".simulator", ".sandbox"))
                  or ".sim_" in m or m.startswith("raccord.sandbox")]
    assert simulators == []
