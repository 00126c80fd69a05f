import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_ready_installation_says_so(settings, capsys):
    settings.DEBUG = True  # no deployment checks: this is the embedded setup
    settings.REDIS_URL, settings.JOBS_RUN_IN_PROCESS = "", True
    call_command("preflight")
    out = capsys.readouterr().out
    assert "✓ database and migrations" in out and "Ready." in out
    assert "✓ Database" in out and "✓ Storage" in out


def test_an_unsafe_production_setting_fails_it_with_the_reason(settings, capsys):
    settings.DEBUG = False  # deployment checks: the demo key is refused
    settings.REDIS_URL, settings.JOBS_RUN_IN_PROCESS = "", True
    with pytest.raises(CommandError, match="check"):
        call_command("preflight")
    assert "✗ system checks (with --deploy)" in capsys.readouterr().out
