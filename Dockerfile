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

# Then the project, without resolving dependencies again: a normal install into the venv, as from a wheel.
# The package carries everything the bot reads at run time (migrations, and the catalogs from locales/ as
# bot.locales), so the final stage needs the venv alone.
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY locales ./locales
RUN pip install -q --no-deps .

# ---- final: the venv (the app is installed in it), run as an unprivileged user ----
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    BUURTBOT_DATABASE_URL=sqlite+aiosqlite:////data/buurtbot.db

# FriBiDi lets Pillow lay Arabic out right to left in the chart and the poster (bot/fonts/).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libfribidi0 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system buurtbot \
    && useradd --system --gid buurtbot --home-dir /app --shell /usr/sbin/nologin buurtbot \
    && mkdir -p /data \
    && chown buurtbot:buurtbot /data

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
VOLUME ["/data"]
USER buurtbot

# `buurtbot run` applies the database migrations first and then long-polls Telegram,
# so no separate migrate step or entrypoint script is needed. Only BUURTBOT_TOKEN must be given.
CMD ["buurtbot", "run"]
