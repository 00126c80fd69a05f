"""System checks for configuration that Django cannot see is wrong."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_production_settings(app_configs, **kwargs):
    errors = []
    from config.settings import INSECURE_SECRET_KEY

    if settings.SECRET_KEY == INSECURE_SECRET_KEY:
        errors.append(
            Error(
                "SECRET_KEY is the built-in demo key.",
                hint="Set the SECRET_KEY environment variable to a long random value.",
                id="backoffice.E001",
            )
        )
    if settings.DEMO_MODE:
        errors.append(
            Error(
                "DEMO_MODE is on: demo accounts with published passwords may exist.",
                hint="Set DEMO_MODE=False (it is off by default when DATABASE_URL is set).",
                id="backoffice.E002",
            )
        )
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        errors.append(
            Warning(
                "The database is SQLite.",
                hint="Production runs on PostgreSQL: set DATABASE_URL.",
                id="backoffice.W001",
            )
        )
    if settings.JOBS_RUN_IN_PROCESS:
        errors.append(
            Warning(
                "Background jobs run inside the web process.",
                hint="Set REDIS_URL and run `manage.py rqworker` processes.",
                id="backoffice.W002",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    """SITE_URL is the address in notification emails and in the web forms'
    snippet that websites post to: the embedded default points at this machine."""
    from urllib.parse import urlsplit

    parts = urlsplit(settings.SITE_URL)
    host = (parts.hostname or "").lower()
    if host in {"", "localhost", "127.0.0.1", "::1", "0.0.0.0"} or host.endswith(".localhost"):
        return [Warning(
            f"SITE_URL is {settings.SITE_URL!r}: email links and the web forms' address "
            "point at this machine, not at the address people open.",
            hint="Set SITE_URL to the back-office's public address, e.g. "
                 "https://backoffice.example.com.",
            id="backoffice.W006",
        )]
    if settings.SECURE_SSL_REDIRECT and parts.scheme != "https":
        return [Warning(
            "SITE_URL is not https while the site is: email links and the web forms' "
            "address go through a redirect (a form's POST is lost on it).",
            hint="Write SITE_URL with https://.",
            id="backoffice.W006",
        )]
    return []


@register(Tags.security, deploy=True)
def check_mail_in_production(app_configs, **kwargs):
    if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        return [Warning(
            "Mail is printed on the console: password-reset links reach nobody.",
            hint="Set EMAIL_HOST (and EMAIL_HOST_USER / EMAIL_HOST_PASSWORD) to your SMTP server.",
            id="backoffice.W003",
        )]
    return []


@register(Tags.security)
def check_allowlists(app_configs, **kwargs):
    """A malformed address would otherwise stop the first request, not the start."""
    from django.core.exceptions import ImproperlyConfigured

    from backoffice.ops.network import networks_parse

    errors = []
    for name in ("ADMIN_IP_ALLOWLIST", "MAINTENANCE_IP_ALLOWLIST", "TRUSTED_PROXY_IPS"):
        try:
            networks_parse(getattr(settings, name), setting=name)
        except ImproperlyConfigured as exc:
            errors.append(Error(str(exc), hint="Addresses (203.0.113.7) or networks "
                                "(10.0.0.0/8), comma-separated.", id="backoffice.E003"))
    return errors


@register(Tags.security)
def check_trusted_proxies(app_configs, **kwargs):
    """Behind a proxy whose address we do not know, every client looks like the
    proxy: the allowlist admits all or none, and one person's failed logins
    lock everyone out."""
    import os

    errors = []
    if settings.BEHIND_PROXY and not settings.TRUSTED_PROXY_IPS:
        errors.append(Warning(
            "BEHIND_PROXY is on but TRUSTED_PROXY_IPS is empty: X-Forwarded-For is not "
            "read, so every client has the proxy's address.",
            hint="Set TRUSTED_PROXY_IPS to your proxies' addresses or networks.",
            id="backoffice.W004"))
    if os.environ.get("TRUSTED_PROXIES"):
        errors.append(Warning(
            "TRUSTED_PROXIES (a count of proxies) is no longer read.",
            hint="Set TRUSTED_PROXY_IPS to your proxies' addresses or networks instead.",
            id="backoffice.W005"))
    return errors


@register()
def check_database_pool(app_configs, **kwargs):
    """DATABASE_POOL is psycopg's pool, for PostgreSQL only; on SQLite it would
    be silently ignored (backoffice/core/db.py)."""
    return database_pool_errors(getattr(settings, "DATABASE_POOL", False),
                                settings.DATABASES["default"])


def database_pool_errors(pool_on: bool, database: dict) -> list:
    if not pool_on:
        return []
    if database["ENGINE"] != "django.db.backends.postgresql":
        return [Error(
            "DATABASE_POOL is on but the database is not PostgreSQL.",
            hint="Connection pooling is psycopg's: set DATABASE_URL to PostgreSQL, "
                 "or DATABASE_POOL=False.",
            id="backoffice.E004")]
    pool = database.get("OPTIONS", {}).get("pool") or {}
    errors = []
    if pool.get("max_size", 1) < 1 or pool.get("min_size", 0) < 0 or pool.get("timeout", 1) <= 0:
        errors.append(Error(
            f"DATABASE_POOL sizes or timeout out of range: {pool}.",
            hint="DATABASE_POOL_MAX_SIZE >= 1, DATABASE_POOL_MIN_SIZE >= 0, "
                 "DATABASE_POOL_TIMEOUT > 0 (seconds).",
            id="backoffice.E005"))
    try:
        import psycopg_pool  # noqa: F401
    except ImportError:
        errors.append(Error(
            "DATABASE_POOL is on but psycopg_pool is not installed.",
            hint="pip install -r requirements/prod.txt (psycopg[binary,pool]).",
            id="backoffice.E006"))
    return errors


@register()
def check_storage_location(app_configs, **kwargs):
    """AWS_LOCATION is a prefix inside the bucket: django-storages refuses a
    leading "/" only when the storage is first used (an upload's 500, not the
    start), and ".." is no way out of a bucket, only a strange key (that some
    S3-compatible stores refuse)."""
    options = settings.STORAGES["default"].get("OPTIONS", {})
    if not settings.STORAGES["default"]["BACKEND"].startswith("storages.backends.s3"):
        return []
    return storage_location_errors(options.get("location", ""))


def storage_location_errors(location: str) -> list:
    parts = location.split("/")
    if location.startswith("/") or any(part in (".", "..") for part in parts) \
            or "\\" in location:
        return [Error(
            f"AWS_LOCATION {location!r} is not a plain prefix inside the bucket.",
            hint='A prefix such as "alims/private": no leading "/", no "." or ".." parts.',
            id="backoffice.E007")]
    return []
