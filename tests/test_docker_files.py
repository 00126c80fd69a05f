"""The Docker files agree with the README: every variable of its table can be set in
.env (.env.example lists it) and reaches the containers (docker-compose.yml passes it),
and the image's processes are the Procfile's."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# set by the stack or the image itself, not by .env
FIXED = {"DATABASE_URL", "REDIS_URL", "DATA_DIR", "JOBS_IN_PROCESS_THREADS"}


def _readme_variables() -> set[str]:
    names = set()
    for line in (ROOT / "README.md").read_text().splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    return names


def _example_variables() -> set[str]:
    return set(re.findall(r"^([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))


def _compose_variables() -> set[str]:
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)[:}]", (ROOT / "docker-compose.yml").read_text()))


def test_every_readme_variable_can_be_set_in_the_env_example():
    readme = _readme_variables()
    assert len(readme) > 40
    assert readme - FIXED - _example_variables() == set()


def test_every_variable_of_the_env_example_reaches_the_containers():
    # COMPOSE_PROJECT_NAME is Compose's own (the volumes' names)
    assert _example_variables() - {"COMPOSE_PROJECT_NAME"} <= _compose_variables()


def test_no_key_is_given_twice_in_the_compose_file():
    """Compose v2 refuses a mapping with a key twice (v1 silently keeps the last)."""
    stack: list[tuple[int, set[str]]] = []
    for number, line in enumerate((ROOT / "docker-compose.yml").read_text().splitlines(), 1):
        match = re.match(r"^( *)(?:- )?([A-Za-z_][\w.-]*|<<):(?: |$)", line)
        if not match or line.lstrip().startswith("#"):
            continue
        indent = len(match.group(1)) + (2 if line.lstrip().startswith("- ") else 0)
        while stack and stack[-1][0] > indent:
            stack.pop()
        if not stack or stack[-1][0] < indent:
            stack.append((indent, set()))
        key = match.group(2)
        assert key == "<<" or key not in stack[-1][1], f"line {number}: {key} given twice"
        stack[-1][1].add(key)


def test_the_env_example_holds_no_secret():
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]+)=(.*)$", (ROOT / ".env.example").read_text(), re.M))
    assert values["SECRET_KEY"] == "" and values["POSTGRES_PASSWORD"] == ""
    assert "${SECRET_KEY:?" in (ROOT / "docker-compose.yml").read_text()


def test_the_image_runs_the_procfiles_processes():
    dockerfile = (ROOT / "Dockerfile").read_text()
    compose = (ROOT / "docker-compose.yml").read_text()
    assert 'CMD ["gunicorn", "config.wsgi", "--config", "config/gunicorn.py"]' in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M)
    assert "HEALTHCHECK" in dockerfile and "/app/docker/healthcheck.py" in dockerfile
    assert '"rqworker", "default"' in compose and "worker: python manage.py rqworker default" in (
        ROOT / "Procfile").read_text()
    assert '"run_scheduled"' in compose and "scheduler: python manage.py run_scheduled" in (
        ROOT / "Procfile").read_text()


# read by settings, but set by the image or the test suite, not by an operator
INTERNAL = {"JOBS_RUN_IN_PROCESS", "STATIC_MANIFEST", "STATIC_ROOT", "WHITENOISE_USE_FINDERS"}


def test_every_variable_the_settings_read_is_in_the_readmes_table():
    sources = [ROOT / "config" / "settings.py", *(ROOT / "backoffice" / "core").glob("*.py"),
               *(ROOT / "backoffice" / "ops").glob("*.py")]
    read = set()
    for source in sources:
        read |= set(re.findall(r'env_(?:str|bool|int|float|list)\(\s*"([A-Z0-9_]+)"',
                               source.read_text()))
    assert len(read) > 40
    assert read - INTERNAL - _readme_variables() == set()
