"""All benchmarks, one after the other (``make bench``)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

for script in ("speed.py", "journal_bench.py", "app_bench.py", "fmt_bench.py"):
    path = HERE / script
    if path.is_file():
        print(f"== {script}", flush=True)
        subprocess.run([sys.executable, str(path)], check=False)
