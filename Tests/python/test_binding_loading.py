"""How the binding finds libapxlate and refuses a wrong one (each case in a fresh interpreter)."""

import os
import shutil
import subprocess
import sys

import pytest

import apxlate

BINDING = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "bindings", "python")


def run_import(env_library, pythonpath, code="import apxlate; print(apxlate.library_path)"):
    env = dict(os.environ, PYTHONPATH=pythonpath)
    env.pop("APXLATE_LIBRARY", None)
    if env_library is not None:
        env["APXLATE_LIBRARY"] = env_library
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)


def compile_fake(tmp_path, source):
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if cc is None:
        pytest.skip("no C compiler to build a fake library")
    src = tmp_path / "fake.c"
    src.write_text(source)
    lib = tmp_path / "libapxlate.so"
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(lib), str(src)], check=True)
    return str(lib)


def test_env_variable_pointing_nowhere_is_a_clear_import_error(tmp_path):
    r = run_import(str(tmp_path / "missing.so"), BINDING)
    assert r.returncode != 0
    assert "ImportError" in r.stderr and "APXLATE_LIBRARY" in r.stderr and "missing.so" in r.stderr


def test_wrong_abi_version_is_refused(tmp_path):
    lib = compile_fake(tmp_path, "unsigned apx_abi_version(void) { return 2; }\n")
    r = run_import(lib, BINDING)
    assert r.returncode != 0
    assert "ImportError" in r.stderr and "ABI version 2" in r.stderr and "needs ABI version 1" in r.stderr


def test_a_library_that_is_not_apxlate_is_refused(tmp_path):
    lib = compile_fake(tmp_path, "int something_else(void) { return 0; }\n")
    r = run_import(lib, BINDING)
    assert r.returncode != 0 and "not libapxlate" in r.stderr


def test_library_beside_the_package_is_found_without_the_env_variable(tmp_path):
    pkg = tmp_path / "site"
    shutil.copytree(os.path.join(BINDING, "apxlate"), pkg / "apxlate", ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    shutil.copy(apxlate.library_path, pkg / "apxlate" / "libapxlate.so")
    r = run_import(None, str(pkg))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(pkg / "apxlate" / "libapxlate.so")


def test_without_any_library_the_error_says_how_to_fix_it(tmp_path):
    pkg = tmp_path / "site"
    shutil.copytree(os.path.join(BINDING, "apxlate"), pkg / "apxlate", ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    env_ld = os.environ.get("LD_LIBRARY_PATH", "")
    if "apxlate" in env_ld or os.path.exists("/usr/lib/libapxlate.so") or os.path.exists("/usr/local/lib/libapxlate.so"):
        pytest.skip("a system-wide libapxlate is installed")
    r = run_import(None, str(pkg))
    assert r.returncode != 0
    assert "make lib" in r.stderr and "APXLATE_LIBRARY" in r.stderr
