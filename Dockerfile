FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext fontconfig fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
RUN pip install --no-cache-dir .

# Build-time values only: collectstatic needs settings to load, not real secrets.
RUN DJANGO_SECRET_KEY=build-only REDIS_URL=redis://build-only:6379/0 \
    python manage.py compilemessages --ignore=.venv \
    && DJANGO_SECRET_KEY=build-only REDIS_URL=redis://build-only:6379/0 \
    python manage.py collectstatic --noinput \
    && mkdir -p var/exports \
    && useradd --create-home --uid 1000 app \
    && chown -R app /app

USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
