"""tests/doubles/bin/modal replays the recordings in tests/fixtures/modal/<version>/ byte for byte.

Run with: /usr/bin/python3 -m pytest tests/python/test_fake_modal.py (stdlib only, no SDK needed).
"""
from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FAKE = ROOT / "tests" / "doubles" / "bin" / "modal"
FIXTURES = ROOT / "tests" / "fixtures" / "modal"
VERSIONS = ["1.5.4", "1.4.2"]


def run(args, scenario="ok", version="1.5.4", env=None, timeout=30):
    e = {k: v for k, v in os.environ.items() if not k.startswith(("FAKE_MODAL_", "MODAL_"))}
    e.update(FAKE_MODAL_SCENARIO=scenario, FAKE_MODAL_VERSION=version, MODAL_TOKEN_ID="ak-x",
             MODAL_TOKEN_SECRET="as-x")
    e.update(env or {})
    p = subprocess.run([sys.executable, str(FAKE), *args], env=e, capture_output=True, timeout=timeout,
                       stdin=subprocess.DEVNULL, cwd=ROOT)
    return p.stdout, p.stderr, p.returncode


def rec(case, version="1.5.4"):
    d = FIXTURES / version
    return ((d / (case + ".stdout")).read_bytes(), (d / (case + ".stderr")).read_bytes(),
            int((d / (case + ".exit")).read_text()))


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("args,scenario,case", [
    (["--version"], "ok", "version"),
    (["token", "info"], "ok", "token_info"),
    (["token", "info"], "token_missing", "token_missing"),
    (["token", "info"], "token_invalid", "token_invalid"),
    (["app", "list", "--json"], "ok", "app_list"),
    (["app", "list", "--json"], "not_deployed", "app_list_not_deployed"),
    (["app", "list", "--json"], "network", "network"),
    (["app", "list", "--json"], "token_missing", "token_missing_app_list"),
    (["app", "list"], "ok", "app_list_table"),
    (["app", "history", "kernel-rl-evaluator", "--json"], "ok", "app_history"),
    (["app", "logs", "kernel-rl-evaluator"], "ok", "app_logs"),
    (["app", "logs", "kernel-rl-evaluator", "--timestamps", "--show-container-id"], "ok",
     "app_logs_timestamps_show_container_id"),
    (["app", "stop", "kernel-rl-evaluator", "-y"], "ok", "app_stop"),
    (["app", "stop", "kernel-rl-evaluator"], "ok", "app_stop_no_yes"),
    (["container", "list", "--json"], "ok", "container_list"),
    (["container", "logs", "ta-01J5ZK3N8Q2W7RVBX4C6D9E0FA"], "ok", "container_logs"),
    (["container", "logs", "ta-01J5ZK3N8Q2W7RVBX4C6D9E0FA", "--show-container-id"], "ok",
     "container_logs_show_container_id"),
    (["container", "logs", "ta-01J5ZK3N8Q2W7RVBX4C6D9E0FA"], "container_logs_usage",
     "container_logs_show_container_id"),
    (["container", "stop", "ta-01J5ZK3N8Q2W7RVBX4C6D9E0FA", "-y"], "ok", "container_stop"),
    (["deploy", "resources/evaluator/modal_app.py"], "ok", "deploy"),
    (["deploy", "resources/evaluator/modal_app.py"], "deploy_skipped", "deploy_skipped"),
    (["deploy", "resources/evaluator/modal_app.py"], "deploy_fail", "deploy_raises"),
    (["deploy", "resources/evaluator/modal_app.py"], "deploy_cuda", "deploy_image_build_failed"),
    (["frobnicate"], "ok", "usage_unknown_command"),
])
def test_replays_recorded_bytes(version, args, scenario, case):
    assert run(args, scenario, version) == rec(case, version)


def test_legacy_keys_replays_the_pre_15_client():
    assert run(["app", "list", "--json"], "legacy_keys")[0] == rec("app_list", "1.4.2")[0]
    assert run(["container", "list", "--json"], "legacy_keys")[0] == rec("container_list", "1.4.2")[0]


def test_token_from_profile_has_no_env_note():
    out, _, code = run(["token", "info"], env={"MODAL_TOKEN_ID": "", "MODAL_TOKEN_SECRET": ""})
    assert code == 0 and out == rec("token_info_profile")[0] and b"environment variable" not in out


def test_names_are_put_into_the_recorded_box():
    out, err, code = run(["app", "stop", "missing-app", "-y", "-e", "dev"])
    rec_err = rec("app_stop_not_found")[1].decode()
    assert code == 1 and out == b""
    text = err.decode()
    assert "No App with name 'missing-app' found in the 'dev' environment." in text
    assert [len(l) for l in text.splitlines()] == [len(l) for l in rec_err.splitlines()]  # box still closed


def test_garbage_json_is_a_cut_recording():
    out, _, code = run(["app", "list", "--json"], "garbage_json")
    assert code == 0 and rec("app_list")[0].startswith(out.rstrip(b"\n")) and len(out) < 80


def test_follow_stops_after_n_lines():
    out, err, code = run(["app", "logs", "kernel-rl-evaluator", "-f"], env={"FAKE_MODAL_FOLLOW": "7"})
    lines = out.decode().splitlines()
    recorded = rec("app_logs_follow")[0].decode().splitlines()
    assert code == 0 and len(lines) == 7 and lines[:len(recorded)] == recorded


def test_serve_waits_for_ctrl_c():
    e = dict(os.environ, FAKE_MODAL_SCENARIO="ok", FAKE_MODAL_VERSION="1.5.4")
    p = subprocess.Popen([sys.executable, str(FAKE), "serve", "resources/evaluator/modal_app.py"], env=e, cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    time.sleep(1.5)
    assert p.poll() is None
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=10)
    assert (out, err, p.returncode) == rec("serve")


def test_hang_and_log():
    with pytest.raises(subprocess.TimeoutExpired):
        run(["app", "list", "--json"], "hang", timeout=1)


def test_every_recorded_case_has_three_files():
    for v in VERSIONS:
        d = FIXTURES / v
        cases = {p.name.rsplit(".", 1)[0] for p in d.iterdir() if p.suffix in (".stdout", ".stderr", ".exit")}
        for c in cases:
            assert all((d / (c + s)).exists() for s in (".stdout", ".stderr", ".exit")), (v, c)
        manifest = (d / "MANIFEST").read_text()
        assert "version: " + v in manifest and "commit: " in manifest
        assert all(c in manifest for c in cases)
