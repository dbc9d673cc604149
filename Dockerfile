# syntax=docker/dockerfile:1
# The site's image: gunicorn (HTTP) by default; the same image runs daphne (/ws/), the scheduler and
# migrations with another command (see compose.yaml). Runtime requirements only, as a non-root user.

# --- build: the virtualenv, the compiled translations and the collected static files ---
FROM python:3.11-slim-bookworm AS build

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# GNU gettext's msgfmt compiles the catalogues, as `make install` does; it stays in this stage.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt

WORKDIR /app
COPY . .
RUN for po in locale/*/LC_MESSAGES/django.po locale_overrides/*/LC_MESSAGES/django.po locale_libraries/*/LC_MESSAGES/django.po; do msgfmt --check -o "${po%.po}.mo" "$po" || exit 1; done \
    && chmod 0755 deploy/docker-entrypoint.sh
# Production's storage (hashed, compressed names and the manifest) needs DEBUG off, so a throwaway
# key for this one command; the running containers get theirs from the environment.
RUN DEBUG=false SECRET_KEY=collectstatic-only-not-a-secret python manage.py collectstatic --noinput >/dev/null

# --- runtime ---
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    MEDIA_ROOT=/srv/media

# A fixed, unprivileged uid: named volumes created from the image's /srv folders belong to it.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app \
    && install -d -o app -g app /srv/media /srv/static /srv/data /srv/state

COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app

USER 10001:10001
EXPOSE 8000

# Liveness: the process answers. The Host header and X-Forwarded-Proto are those nginx would send, so
# ALLOWED_HOSTS and SECURE_SSL_REDIRECT do not turn the probe away (deploy/healthcheck.py).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "deploy/healthcheck.py", "/healthz"]

# MIGRATE_ON_START=true applies migrations before the command (one container on its own); compose
# runs its one-shot `migrate` service instead.
ENTRYPOINT ["/app/deploy/docker-entrypoint.sh"]
CMD ["gunicorn", "mentorship_platform.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--timeout", "30", "--worker-tmp-dir", "/dev/shm"]
