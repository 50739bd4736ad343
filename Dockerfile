# Buurtbot container image.
#   docker build -t buurtbot .
#   docker run -e BUURTBOT_TOKEN=... -v buurtbot-data:/data buurtbot
# The default database is SQLite in the /data volume; set BUURTBOT_DATABASE_URL for PostgreSQL
# (docker-compose.yml does).

# ---- builder: a venv with the pinned dependencies and the project ----
FROM python:3.11-slim AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PATH=/opt/venv/bin:$PATH

RUN python -m venv /opt/venv

WORKDIR /app
# Dependencies first, so this layer is rebuilt only when the lock file changes.
COPY requirements.lock ./
RUN pip install -q -r requirements.lock

# Then the project, without resolving dependencies again. It is installed editable, pointing at /app,
# exactly as `make run` does: the bot finds files beside its package (locales/) through that layout,
# and the final stage keeps /app at the same path.
COPY . .
RUN pip install -q --no-deps -e .

# ---- final: the venv and the app, run as an unprivileged user ----
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    BUURTBOT_DATABASE_URL=sqlite+aiosqlite:////data/buurtbot.db

RUN groupadd --system buurtbot \
    && useradd --system --gid buurtbot --home-dir /app --shell /usr/sbin/nologin buurtbot \
    && mkdir -p /data \
    && chown buurtbot:buurtbot /data

COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /app /app

WORKDIR /app
VOLUME ["/data"]
USER buurtbot

# `buurtbot run` applies the database migrations first and then long-polls Telegram,
# so no separate migrate step or entrypoint script is needed. Only BUURTBOT_TOKEN must be given.
CMD ["buurtbot", "run"]
