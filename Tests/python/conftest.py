"""Makes `import apxlate` use bindings/python and build/lib/libapxlate.so of this checkout,
unless APXLATE_LIBRARY is already set (e.g. to test an installed library)."""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
os.environ.setdefault("APXLATE_LIBRARY", os.path.join(ROOT, "build", "lib", "libapxlate.so"))
