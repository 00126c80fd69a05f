"""The Procfile's processes start as written (a platform runs exactly these)."""

import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _processes() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def test_the_procfile_names_release_web_worker_and_scheduler():
    assert set(_processes()) == {"release", "web", "worker", "scheduler"}


def test_the_web_process_configuration_loads():
    command = _processes()["web"]
    assert command.startswith("gunicorn ")
    # as a platform runs it: through a shell, with the virtualenv's programs
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(["sh", "-c", command + " --check-config"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_worker_scheduler_and_release_commands_exist():
    for name in ("worker", "scheduler", "release"):
        arguments = shlex.split(_processes()[name])
        assert arguments[:2] == ["python", "manage.py"]
        result = subprocess.run([sys.executable, "manage.py", arguments[2], "--help"],
                                cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr


def test_gunicorns_settings_come_from_the_environment(monkeypatch):
    """PORT, WEB_CONCURRENCY (0: from the CPU count) and the access log switch."""
    import importlib.util

    def load(**env):
        for name in ("PORT", "WEB_CONCURRENCY", "GUNICORN_ACCESS_LOG", "GUNICORN_TIMEOUT"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "config" / "gunicorn.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    auto = min(len(os.sched_getaffinity(0)) * 2 + 1, 12)
    default = load()
    assert default.bind == "0.0.0.0:8000" and default.workers == auto
    assert default.accesslog == "-" and default.timeout == 30
    assert load(WEB_CONCURRENCY="0").workers == auto  # what the Compose file passes unset
    assert load(WEB_CONCURRENCY="", PORT="").bind == "0.0.0.0:8000"
    chosen = load(WEB_CONCURRENCY="3", PORT="9000", GUNICORN_ACCESS_LOG="", GUNICORN_TIMEOUT="60")
    assert chosen.workers == 3 and chosen.bind == "0.0.0.0:9000"
    assert chosen.accesslog is None and chosen.timeout == 60


def test_gunicorns_access_log_leaves_out_query_strings_and_referrers():
    """Searches carry phone numbers and names in the query string (and in the next
    page's Referer)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "config" / "gunicorn.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert "%(U)s" in module.access_log_format
    for leaky in ("%(r)s", "%(q)s", "%(f)s", "%({"):
        assert leaky not in module.access_log_format
