"""What the Python peers of benches/simulation.rs share: their library, installed with pip into
target/pybench when it is missing (so the machine's Python stays as it is), and imported."""
import importlib
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "..", "target", "pybench")
MONTH_DAYS = 365.25 / 12


def library(name):
    sys.path.insert(0, TARGET)
    try:
        return importlib.import_module(name)
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--root-user-action=ignore", "--target", TARGET, name], check=True)
        sys.path_importer_cache.clear()
        importlib.invalidate_caches()
        return importlib.import_module(name)
