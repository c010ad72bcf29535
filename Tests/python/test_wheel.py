"""The wheel `make wheel` writes: built here from this checkout's library (or taken from
APXLATE_WHEEL), installed into a fresh venv, and run there with the Swift toolchain out of reach:
no APXLATE_LIBRARY, PATH and LD_LIBRARY_PATH without it, and, when a mount namespace can be made
(root), the toolchain's directory hidden under an empty tmpfs."""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SWIFT_ROOT = os.environ.get("APXLATE_SWIFT_ROOT", "/opt/swift")

# Run inside the fresh venv: the binding must find its bundled library by itself.
PROBE = r"""
import json, apxlate, apxlate.httpx
t = apxlate.Translator({"models": {"default": "gpt-4o"}})
req = {"model": "claude-sonnet-4-5", "max_tokens": 9, "stream": True,
       "messages": [{"role": "user", "content": "hi"}]}
body, ex = t.translate_request(req, "anthropic", "openai-chat")
sse = (b'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":'
       b'[{"index":0,"delta":{"role":"assistant","content":"Hey"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n')
with t.stream(ex) as s:
    out = s.feed(sse) + s.finish()
print(json.dumps({"path": apxlate.library_path, "version": apxlate.__version__,
                  "library_version": apxlate.library_version, "model": json.loads(body)["model"],
                  "stream_ok": b"message_stop" in out and b"Hey" in out}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    given = os.environ.get("APXLATE_WHEEL")
    if given:
        return given
    tmp = tmp_path_factory.mktemp("wheel")
    lib = os.environ.get("APXLATE_LIBRARY") or os.path.join(ROOT, "build", "lib", "libapxlate.so")
    subprocess.run([sys.executable, os.path.join(ROOT, "bindings", "python", "build_wheel.py"), "--lib", lib,
                    "--out", str(tmp / "dist"), "--work", str(tmp / "work")],
                   check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    (found,) = glob.glob(str(tmp / "dist" / "*.whl"))
    return found


def test_wheel_name_tags_and_metadata(wheel):
    name = os.path.basename(wheel)
    assert re.fullmatch(r"apxlate-\d+\.\d+\.\d+-py3-none-manylinux_2_\d+_x86_64\.whl", name), name
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        meta = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        info = z.read(next(n for n in names if n.endswith(".dist-info/WHEEL"))).decode()
    assert "apxlate/libapxlate.so" in names and "apxlate/py.typed" in names and "apxlate/httpx.py" in names
    assert not [n for n in names if ".libs/" in n], "auditwheel grafted libraries: %s" % names
    assert "Root-Is-Purelib: false" in info and "Tag: py3-none-manylinux_2_" in info
    assert "Description-Content-Type: text/markdown" in meta and "# apxlate (Python)" in meta
    assert "Provides-Extra: httpx" in meta and re.search(r"Requires-Dist: httpx2.*extra == .httpx.", meta)


def test_auditwheel_show_accepts_it(wheel):
    r = subprocess.run([sys.executable, "-m", "auditwheel", "show", wheel], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    tag = re.search(r"manylinux_2_\d+_x86_64", os.path.basename(wheel)).group(0)
    assert 'consistent with\nthe following platform tag: "%s"' % tag in r.stdout or tag in r.stdout.replace("\n", " ")
    assert "swift" not in r.stdout.lower()


def _hidden_env(venv):
    path = [os.path.join(venv, "bin"), "/usr/local/bin", "/usr/bin", "/bin"]
    return {"PATH": os.pathsep.join(path), "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8"}


def _can_hide_toolchain():
    if not os.path.isdir(SWIFT_ROOT) or not shutil.which("unshare"):
        return False
    r = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                        "mount -t tmpfs none %s" % SWIFT_ROOT], capture_output=True)
    return r.returncode == 0


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory):
    """A fresh venv (no system site-packages) with the wheel installed by this interpreter's pip."""
    venv = str(tmp_path_factory.mktemp("fresh") / "venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    py = os.path.join(venv, "bin", "python")
    subprocess.run([sys.executable, "-m", "pip", "--python", py, "install", "-q", "--no-index", "--no-deps", wheel],
                   check=True)
    return venv


def test_installs_into_a_fresh_venv_and_runs_without_the_toolchain(venv, tmp_path):
    py = os.path.join(venv, "bin", "python")
    env = _hidden_env(venv)
    cmd = [py, "-c", PROBE]
    if _can_hide_toolchain():
        # An empty tmpfs over the toolchain for this process only (a private mount namespace).
        cmd = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
               'mount -t tmpfs none "$0" && ! ls "$0"/usr >/dev/null 2>&1 && exec "$@"', SWIFT_ROOT] + cmd
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    site = os.path.join(venv, "lib")
    assert got["path"].startswith(site) and got["path"].endswith("apxlate/libapxlate.so"), got
    assert got["version"] == got["library_version"]
    assert got["model"] == "gpt-4o" and got["stream_ok"]

    ldd = subprocess.run(["ldd", got["path"]], env=env, capture_output=True, text=True).stdout
    assert "not found" not in ldd and SWIFT_ROOT not in ldd and "swift" not in ldd.lower(), ldd


def test_apxlate_library_still_overrides_the_bundled_one(venv, tmp_path):
    py = os.path.join(venv, "bin", "python")
    env = dict(_hidden_env(venv), APXLATE_LIBRARY="/nonexistent/libapxlate.so")
    r = subprocess.run([py, "-c", "import apxlate"], env=env, capture_output=True, text=True, cwd=str(tmp_path))
    assert r.returncode != 0 and "APXLATE_LIBRARY is set" in r.stderr
