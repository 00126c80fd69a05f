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


def test_the_procfile_names_release_web_and_worker():
    assert set(_processes()) == {"release", "web", "worker"}


def test_the_web_process_configuration_loads():
    command = _processes()["web"]
    assert command.startswith("gunicorn ")
    # as a platform runs it: through a shell, with the virtualenv's programs
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(["sh", "-c", command + " --check-config"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_worker_and_release_commands_exist():
    for name in ("worker", "release"):
        arguments = shlex.split(_processes()[name])
        assert arguments[:2] == ["python", "manage.py"]
        result = subprocess.run([sys.executable, "manage.py", arguments[2], "--help"],
                                cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
