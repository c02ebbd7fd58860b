# Kontor's application image, used by docker-compose.yml for both `web` and `worker`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    KONTOR_DATA_DIR=/data

RUN apt-get update \
    && apt-get install -y --no-install-recommends libmagic1 \
        tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu tesseract-ocr-rus tesseract-ocr-fra \
        tesseract-ocr-spa tesseract-ocr-ita tesseract-ocr-por ocrmypdf ghostscript poppler-utils \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /home/kontor kontor \
    && mkdir -p /data \
    && chown kontor:kontor /data

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml ./
RUN pip install .

COPY . .
RUN pip install --no-deps .

USER kontor
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn config.wsgi:application --bind 0.0.0.0:8000 --worker-class gthread --workers 2 --threads 4 --timeout 600 --no-control-socket"]
