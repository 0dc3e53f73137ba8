# The portal's image for docker-compose.yml: web (gunicorn), worker and beat share it.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/opt/venv PATH=/opt/venv/bin:$PATH
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN DJANGO_READ_DOT_ENV_FILE=false SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput
RUN useradd --system --uid 10001 icms && chown -R icms /app
USER icms
EXPOSE 8000
CMD ["gunicorn", "icms.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
