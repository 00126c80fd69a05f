# ALIMS Back-office: one image for the web process (gunicorn, the default), the
# rq worker (`python manage.py rqworker default`) and one-off commands
# (`python manage.py migrate`, `createsuperuser`, `preflight`, `import_customers`).
#
#   docker build -t alims-backoffice .
#   docker build --build-arg BASE_IMAGE=registry.example.com/debian:bookworm-slim .
#
# Debian's own Python 3.11 on debian:bookworm-slim; nothing is fetched at run
# time. Extra certificate authorities for a TLS-inspecting proxy go in
# docker/extra-ca/ (trusted by apt and pip during the build only).
ARG BASE_IMAGE=debian:bookworm-slim

# --- build: the pinned requirements in a virtualenv, the static files collected
FROM ${BASE_IMAGE} AS build
ARG DEBIAN_FRONTEND=noninteractive
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    PYTHONDONTWRITEBYTECODE=1
COPY docker/extra-ca/ /usr/local/share/ca-certificates/alims-extra/
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
    && update-ca-certificates \
    && rm -rf /var/lib/apt/lists/*
RUN python3 -m venv /opt/venv
COPY requirements/base.txt requirements/prod.txt /app/requirements/
RUN /opt/venv/bin/pip install -r /app/requirements/prod.txt
COPY . /app
WORKDIR /app
# whitenoise serves the hashed, compressed files; built once, here
RUN DATA_DIR=/tmp/build-data STATIC_MANIFEST=True STATIC_ROOT=/app/staticfiles \
    /opt/venv/bin/python manage.py collectstatic --noinput --verbosity 0 \
    && /opt/venv/bin/python -m compileall -q /app/backoffice /app/plugins /app/config \
    && rm -rf /tmp/build-data /app/docker/extra-ca/*.crt

# --- runtime: Debian's Python, the virtualenv and the code; no compilers, no pip cache
FROM ${BASE_IMAGE} AS runtime
ARG DEBIAN_FRONTEND=noninteractive
# apt reads Debian's mirror over plain HTTP (signed packages): no extra authority here
# (a BASE_IMAGE whose apt sources are HTTPS behind an inspecting proxy needs its CA in
# the base image itself);
# postgresql-client for `manage.py backup_database` / `restore_database` (pg_dump 15)
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 ca-certificates tzdata postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 alims \
    && useradd --system --uid 10001 --gid alims --home-dir /app --shell /usr/sbin/nologin alims \
    && mkdir -p /data && chown alims:alims /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=root:root /app /app
WORKDIR /app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DATA_DIR=/data \
    STATIC_ROOT=/app/staticfiles \
    STATIC_MANIFEST=True \
    WHITENOISE_USE_FINDERS=False \
    PORT=8000
USER alims:alims
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=15s --start-period=30s --retries=3 \
    CMD ["python", "/app/docker/healthcheck.py"]
CMD ["gunicorn", "config.wsgi", "--config", "config/gunicorn.py"]
