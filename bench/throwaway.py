"""Django on a throw-away SQLite database, for the in-process benches: import it first.

The database is a new file in a temporary folder; the bench migrates it (which seeds the price
books) and leaves it behind. DEBUG is on unless set, so that settings need no SECRET_KEY; each
bench turns it off around its timings, as production runs.
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = Path(tempfile.mkdtemp(prefix="costcalc-bench-")) / "bench.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "costcalc.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()
