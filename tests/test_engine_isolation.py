"""alcore is a library of its own: no streamlit, no plotly."""

import subprocess
import sys


def test_importing_alcore_imports_neither_streamlit_nor_plotly():
    code = (
        "import sys, pkgutil, importlib, alcore\n"
        "for module in pkgutil.iter_modules(alcore.__path__):\n"
        "    importlib.import_module('alcore.' + module.name)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('streamlit', 'plotly')]\n"
        "print(bad)\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
