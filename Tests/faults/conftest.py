"""Fault-injection suite: the library's stream failure ending (through the Python binding) and the
proxy (build/bin/apxlate serve) in front of an upstream that misbehaves (fault_upstream.py)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
os.environ.setdefault("APXLATE_LIBRARY", os.path.join(ROOT, "build", "lib", "libapxlate.so"))
