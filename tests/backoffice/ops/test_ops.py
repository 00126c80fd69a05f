"""Health endpoint, IP allowlist and maintenance mode."""

import pytest
from django.test import Client, override_settings
from maintenance_mode.core import set_maintenance_mode

pytestmark = pytest.mark.django_db


@pytest.fixture
def rq_worker_up(settings):
    """With Redis (the service leg), a worker registered as alive on the queue."""
    if not settings.REDIS_URL or settings.JOBS_RUN_IN_PROCESS:
        yield
        return
    import django_rq
    from rq import Worker

    worker = Worker([django_rq.get_queue("default")], connection=django_rq.get_connection())
    worker.register_birth()
    yield
    worker.register_death()


def test_health_is_ok_for_anyone_and_says_no_more(client, rq_worker_up):
    response = client.get("/health/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok"}


def test_superusers_see_each_check(superuser_client, rq_worker_up):
    response = superuser_client.get("/health/?format=json")
    assert response.status_code == 200
    checks = response.json()
    assert any("Database" in name for name in checks) and set(checks.values()) == {"OK"}


def test_health_checks_redis_and_the_workers_only_when_jobs_go_through_redis(settings):
    from backoffice.ops.health import RQWorkers, health_checks

    settings.REDIS_URL, settings.JOBS_RUN_IN_PROCESS = "", True
    assert not [c for c in health_checks() if c is RQWorkers or "redis" in str(c)]
    settings.REDIS_URL, settings.JOBS_RUN_IN_PROCESS = "redis://127.0.0.1:6379/15", False
    names = [str(c) for c in health_checks()]
    assert any("redis" in name for name in names) and RQWorkers in health_checks()


def test_health_says_when_no_worker_is_running(settings, superuser_client):
    if not settings.REDIS_URL or settings.JOBS_RUN_IN_PROCESS:
        pytest.skip("jobs run in-process here: there are no workers to check")
    response = superuser_client.get("/health/?format=json")
    assert response.status_code == 500
    assert any("No rq worker" in value for value in response.json().values())


def test_health_reports_a_failing_check(client, monkeypatch):
    from django.core.cache.backends.locmem import LocMemCache

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(LocMemCache, "set", broken)
    response = client.get("/health/?format=json")
    if response.status_code == 200:  # a Redis cache in the service leg
        pytest.skip("the cache here is not the local-memory one")
    assert response.status_code == 500 and response.json() == {"status": "failing"}


def _client_from(address, **extra) -> Client:
    return Client(REMOTE_ADDR=address, **extra)


@override_settings(ADMIN_IP_ALLOWLIST=["203.0.113.7", "10.0.0.0/8"])
def test_the_allowlist_admits_its_addresses_and_networks(manager):
    assert _client_from("203.0.113.7").get("/login/").status_code == 200
    assert _client_from("10.20.30.40").get("/login/").status_code == 200


@override_settings(ADMIN_IP_ALLOWLIST=["203.0.113.7"])
def test_the_allowlist_refuses_everyone_else_but_not_the_health_check():
    outsider = _client_from("203.0.113.70")
    assert outsider.get("/login/").status_code == 403
    assert outsider.get("/health/?format=json").status_code != 403
    assert outsider.get("/health/live/").status_code == 200


@override_settings(ADMIN_IP_ALLOWLIST=["203.0.113.7"], BEHIND_PROXY=True,
                   TRUSTED_PROXY_IPS=["10.0.0.1"])
def test_behind_a_proxy_the_address_it_appended_counts():
    # a client cannot get in by writing the allowed address itself
    spoofed = _client_from("10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.9")
    assert spoofed.get("/login/").status_code == 403
    proxied = _client_from("10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.7")
    assert proxied.get("/login/").status_code == 200


def test_a_malformed_allowlist_stops_the_start():
    from django.core.exceptions import ImproperlyConfigured

    from backoffice.ops.middleware import IPAllowlistMiddleware

    with override_settings(ADMIN_IP_ALLOWLIST=["not-an-ip"]), \
            pytest.raises(ImproperlyConfigured, match="not-an-ip"):
        IPAllowlistMiddleware(lambda request: None)


@pytest.fixture
def maintenance(settings, tmp_path):
    settings.MAINTENANCE_MODE_STATE_BACKEND = "maintenance_mode.backends.LocalFileBackend"
    settings.MAINTENANCE_MODE_STATE_FILE_PATH = str(tmp_path / "maintenance.txt")
    set_maintenance_mode(True)
    yield
    set_maintenance_mode(False)


def test_maintenance_shows_the_503_page_to_counsellors_and_managers(maintenance, alice_client,
                                                                   manager_client):
    for client in (alice_client, manager_client):
        response = client.get("/")
        assert response.status_code == 503 and b"Back in a moment" in response.content


def test_maintenance_answers_the_api_in_json(maintenance, alice):
    from tests.backoffice.api.conftest import token_client

    response = token_client(alice).get("/api/v1/me/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]
    assert response["Retry-After"]


def test_superusers_work_through_maintenance_and_see_that_it_is_on(maintenance,
                                                                    superuser_client):
    response = superuser_client.get("/")
    assert response.status_code == 200 and b"Maintenance mode" in response.content


def test_login_and_health_stay_open_during_maintenance(maintenance, client, rq_worker_up):
    assert client.get("/login/").status_code == 200
    assert client.get("/health/?format=json").status_code == 200


def test_maintenance_allowlist_is_by_network(maintenance, settings, manager):
    with override_settings(MAINTENANCE_IP_ALLOWLIST=["10.0.0.1"]):
        near_miss = _client_from("10.0.0.12")
        near_miss.force_login(manager)
        assert near_miss.get("/").status_code == 503
        office = _client_from("10.0.0.1")
        office.force_login(manager)
        assert office.get("/").status_code == 200


def test_the_command_switches_it(settings, tmp_path, client):
    from django.core.management import call_command

    settings.MAINTENANCE_MODE_STATE_BACKEND = "maintenance_mode.backends.LocalFileBackend"
    settings.MAINTENANCE_MODE_STATE_FILE_PATH = str(tmp_path / "maintenance.txt")
    call_command("maintenance_mode", "on")
    assert client.get("/customers/customer/").status_code == 503
    call_command("maintenance_mode", "off")
    assert client.get("/customers/customer/").status_code == 302  # to the login page


@override_settings(ADMIN_IP_ALLOWLIST=["203.0.113.7"], BEHIND_PROXY=True,
                   TRUSTED_PROXY_IPS=["10.0.0.0/24"])
def test_behind_two_proxies_the_outer_one_says_who_the_client_is():
    # client, then our load balancer appends the client, nginx appends the balancer
    through_both = _client_from("10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.1")
    assert through_both.get("/login/").status_code == 200
    forged = _client_from("10.0.0.2",
                          HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.9, 10.0.0.1")
    assert forged.get("/login/").status_code == 403


@override_settings(ADMIN_IP_ALLOWLIST=["203.0.113.7"])
def test_an_ipv4_mapped_address_counts_as_ipv4_and_health_needs_no_slash():
    assert _client_from("::ffff:203.0.113.7").get("/login/").status_code == 200
    assert _client_from("198.51.100.9").get("/health").status_code != 403


@override_settings(BEHIND_PROXY=True, TRUSTED_PROXY_IPS=["10.0.0.1"])
def test_failed_logins_are_counted_against_the_client_not_the_proxy(manager):
    from axes.models import AccessAttempt

    client = _client_from("10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9")
    client.post("/login/", {"username": "maya", "password": "wrong"})
    assert AccessAttempt.objects.get().ip_address == "198.51.100.9"


def test_health_answers_over_plain_http_when_pages_redirect_to_https(rq_worker_up):
    """A load balancer's or the container's own probe asks over plain HTTP inside the
    network; every other page still goes to HTTPS."""
    with override_settings(SECURE_SSL_REDIRECT=True):
        client = Client()
        assert client.get("/health/").status_code == 200
        assert client.get("/health/live/").status_code == 200
        login = client.get("/login/")
        assert login.status_code == 301 and login["Location"].startswith("https://")
        assert client.get("/health/x").status_code == 301  # the exact path only


def test_liveness_asks_the_database_cache_and_storage_never_the_queue(settings):
    """A stopped or busy worker fails /health/ (an alert), not the load balancer's
    probe: that would take every web process out of rotation."""
    from backoffice.ops.health import RQQueueAge, RQWorkers, liveness_checks

    settings.REDIS_URL, settings.JOBS_RUN_IN_PROCESS = "redis://127.0.0.1:6379/15", False
    checks = [str(c) for c in liveness_checks()]
    assert checks == ["health_check.checks.Database", "health_check.checks.Cache",
                      "health_check.checks.Storage"]
    assert RQWorkers not in liveness_checks() and RQQueueAge not in liveness_checks()


def test_liveness_answers_anyone_with_no_more_than_ok(client):
    response = client.get("/health/live/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
