"""Smoke check of `make bench-peers`'s argument handling (no LiteLLM, no venv, no network):
python -m pytest -q Tests/bench/peers"""
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run  # noqa: E402


def test_defaults():
    a = run.parse_args([])
    assert (a.runs, a.repeat, a.conns, a.duration) == (7, 3, 16, 5)
    assert a.litellm_workers == 1
    assert not a.skip_inproc and not a.skip_proxy


@pytest.mark.parametrize("argv", [["--runs", "0"], ["--repeat", "-1"], ["--conns", "0"], ["--duration", "0"],
                                  ["--litellm-workers", "0"], ["--runs", "x"], ["--bogus"]])
def test_bad_arguments_exit_2(argv):
    with pytest.raises(SystemExit) as e:
        run.parse_args(argv)
    assert e.value.code == 2


@pytest.mark.parametrize("argv,code", [(["--help"], 0), (["--runs", "0"], 2), (["--bogus"], 2)])
def test_run_sh_checks_arguments_before_making_the_venv(tmp_path, argv, code):
    venv = tmp_path / "venv"
    p = subprocess.run(["bash", os.path.join(HERE, "run.sh")] + argv, capture_output=True, text=True,
                       env=dict(os.environ, PEERS_VENV=str(venv), PYTHON=sys.executable))
    assert p.returncode == code, p.stderr
    assert not venv.exists()
    if code == 0:
        assert "--litellm-workers" in p.stdout
