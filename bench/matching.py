"""Matching at scale on PostgreSQL: picking helpers for a new request, and the buurt's list of open requests.

100,000 members in 2,000 buurten (30% of them helpers, two or three kinds of help each), and first 10,000,
then 1,000,000 past and open requests (5% open). For each size: the p50/p95 time of
`matching.pick_helpers` for a new request in a random buurt, and of `requests.open_in_buurt` (first page)
for a random member, measured on the service functions themselves with a warm cache, plus the query
plans they ran with.

    .venv/bin/python -m bench.matching                   # needs BUURTBOT_BENCH_DATABASE_URL or _TEST_
    .venv/bin/python -m bench.matching --samples 500 --plans
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, text

from bench.common import machine, quiet_logging, source_version
from bench.databases import POSTGRES_MISSING, databases, postgres_url
from bot.db.database import Database
from bot.db.enums import RequestStatus
from bot.db.models import HelpRequest, Member
from bot.services.help import matching, requests
from bot.services.help import terms as help_terms

ZONE = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
RESULTS = Path(__file__).parent / "results" / "matching.json"
CATEGORIES = list(help_terms.CATEGORIES)


_PEOPLE = (
    """INSERT INTO buurten (id, name, join_policy, created_at)
       SELECT b, 'Buurt ' || b, 'open', now() FROM generate_series(1, CAST(:buurten AS int)) AS b""",
    """INSERT INTO members (id, telegram_user_id, language, joined_at, buurt_id, membership,
                           display_name, consent_at)
       SELECT m, 1000000000 + m, 'nl', now(), 1 + (m % :buurten), 'active', 'Buur ' || m, now()
       FROM generate_series(1, CAST(:members AS int)) AS m""",
    # 30% helpers; a few paused; a quarter never asked yet, the others asked some hours or days ago.
    """INSERT INTO helper_offers (member_id, days, day_parts, max_per_week, quiet_start, quiet_end,
                                 paused, last_asked_at, updated_at)
       SELECT id, 127, 7, 1 + (id % 5), 1260, 540, (id % 17 = 0),
              CASE WHEN id % 4 = 0 THEN NULL ELSE now() - (id % 1000) * interval '1 hour' END, now()
       FROM members WHERE id % 10 < 3""",
    # Two or three kinds of help each.
    """INSERT INTO helper_categories (member_id, category, buurt_id)
       SELECT o.member_id, (CAST(:categories AS text[]))[1 + ((o.member_id + k * 4) % :kinds)], m.buurt_id
       FROM helper_offers o JOIN members m ON m.id = o.member_id, generate_series(0, 2) AS k
       WHERE k < 2 + (o.member_id % 2)
       ON CONFLICT DO NOTHING""",
    "SELECT setval(pg_get_serial_sequence('buurten', 'id'), (SELECT max(id) FROM buurten))",
    "SELECT setval(pg_get_serial_sequence('members', 'id'), (SELECT max(id) FROM members))",
)

# random() with a fixed seed: the same data every run, spread evenly over buurten and kinds of help.
_REQUESTS = """
    INSERT INTO help_requests (id, buurt_id, requester_id, category, text, "when", status, round,
                               created_at, expires_at, thanks_public, closed_at)
    SELECT r, 1 + (m % :buurten), m, (CAST(:categories AS text[]))[1 + floor(random() * :kinds)::int],
           'Een vraag ' || r, 'maakt_niet_uit', status, 1, created, created + interval '14 days',
           false, CASE WHEN status = 'open' THEN NULL ELSE created END
    FROM (
        SELECT r, 1 + floor(random() * :members)::int AS m,
               CASE WHEN random() < 0.05 THEN 'open' WHEN random() < 0.3 THEN 'withdrawn' ELSE 'done' END
                   AS status,
               CAST(:now AS timestamptz) - floor(random() * 730) * interval '1 day' AS created
        FROM generate_series(CAST(:first AS int), CAST(:last AS int)) AS r
    ) AS generated"""

# Who was asked: three helpers of that buurt for each request of the last two weeks.
_INVITATIONS = """
    INSERT INTO help_invitations (request_id, helper_id, round, asked_at, answer)
    SELECT r.id, c.member_id, 1, r.created_at, 'declined'
    FROM help_requests r
    JOIN LATERAL (
        SELECT member_id FROM helper_categories hc
        WHERE hc.buurt_id = r.buurt_id AND hc.category = r.category
        ORDER BY member_id LIMIT 3
    ) c ON true
    WHERE r.id BETWEEN :first AND :last AND r.created_at > CAST(:now AS timestamptz) - interval '14 days'
    ON CONFLICT DO NOTHING"""


async def populate_people(db: Database, members: int, buurten: int) -> None:
    """Buurten, members, helper offers and their kinds of help, generated inside PostgreSQL."""
    values = {"members": members, "buurten": buurten, "categories": CATEGORIES, "kinds": len(CATEGORIES)}
    async with db.begin() as session:
        for statement in _PEOPLE:
            await session.execute(text(statement), values)


async def add_requests(db: Database, first: int, last: int, *, members: int, buurten: int) -> None:
    """Requests `first`..`last`: spread over two years, 5% still open, the recent ones with invitations."""
    values = {
        "first": first,
        "last": last,
        "members": members,
        "buurten": buurten,
        "categories": CATEGORIES,
        "kinds": len(CATEGORIES),
        "now": NOW,
    }
    async with db.begin() as session:
        await session.execute(text("SELECT setseed(:seed)"), {"seed": first / (last + 1)})
        await session.execute(text(_REQUESTS), values)
        await session.execute(text(_INVITATIONS), {"first": first, "last": last, "now": NOW})
        sequence = (
            "SELECT setval(pg_get_serial_sequence('help_requests', 'id'), "
            "(SELECT max(id) FROM help_requests))"
        )
        await session.execute(text(sequence))
        await session.execute(text("ANALYZE"))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def measure(db: Database, *, samples: int, members: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    pick: list[float] = []
    listing: list[float] = []
    for _ in range(samples):
        member_id = rng.randint(1, members)
        async with db.begin() as session:
            requester = await session.get(Member, member_id)
            assert requester is not None
            assert requester.buurt_id is not None
            request = HelpRequest(
                buurt_id=requester.buurt_id,
                requester_id=requester.id,
                category=rng.choice(CATEGORIES),
                text="Bench",
                when="maakt_niet_uit",
                status=RequestStatus.OPEN,
                round=0,
                created_at=NOW,
                expires_at=NOW + timedelta(days=14),
                thanks_public=False,
            )
            session.add(request)
            await session.flush()
            started = time.perf_counter()
            await matching.pick_helpers(session, request, now=NOW, zone=ZONE)
            pick.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            await requests.open_in_buurt(session, requester.telegram_user_id, page=0)
            listing.append((time.perf_counter() - started) * 1000)
            await session.rollback()
    return {
        "pick_helpers_ms": {"p50": statistics.median(pick), "p95": percentile(pick, 0.95)},
        "open_list_ms": {"p50": statistics.median(listing), "p95": percentile(listing, 0.95)},
    }


async def plans(db: Database) -> dict[str, str]:
    """EXPLAIN ANALYZE of both queries for one member, as SQLAlchemy renders them."""
    async with db.begin() as session:
        member = await session.get(Member, 4242)
        assert member is not None
        assert member.buurt_id is not None
        request = HelpRequest(
            buurt_id=member.buurt_id,
            requester_id=member.id,
            category="boodschappen",
            when="maakt_niet_uit",
            status=RequestStatus.OPEN,
            round=0,
            created_at=NOW,
            expires_at=NOW,
            thanks_public=False,
        )
        session.add(request)
        await session.flush()
        captured: list[tuple[str, Any]] = []

        def capture(
            conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
        ) -> None:
            captured.append((statement, parameters))

        engine = db.engine.sync_engine
        event.listen(engine, "before_cursor_execute", capture)
        try:
            await matching.pick_helpers(session, request, now=NOW, zone=ZONE)
            await requests.open_in_buurt(session, member.telegram_user_id, page=0)
        finally:
            event.remove(engine, "before_cursor_execute", capture)
        found: dict[str, str] = {}
        raw = await session.connection()
        driver = (await raw.get_raw_connection()).driver_connection
        assert driver is not None
        for name, marker in (
            ("pick_helpers", "helper_categories"),
            ("open_list", "ORDER BY help_requests.id DESC"),
        ):
            statement, parameters = next((s, p) for s, p in captured if marker in s)
            rows = await driver.fetch("EXPLAIN (ANALYZE, BUFFERS) " + statement, *parameters)
            found[name] = "\n".join(row[0] for row in rows)
        await session.rollback()
    return found


async def run(
    *, members: int, buurten: int, small: int, large: int, samples: int, show_plans: bool
) -> dict[str, Any]:
    result: dict[str, Any] = {"members": members, "buurten": buurten, "sizes": {}}
    async with databases("postgresql") as fresh:
        db = Database(await fresh())
        try:
            await populate_people(db, members, buurten)
            await add_requests(db, 1, small, members=members, buurten=buurten)
            await measure(db, samples=20, members=members, seed=0)  # warm the cache
            result["sizes"][small] = await measure(db, samples=samples, members=members, seed=1)
            print(f"{small:>9,} requests: {json.dumps(result['sizes'][small])}")
            await add_requests(db, small + 1, large, members=members, buurten=buurten)
            await measure(db, samples=20, members=members, seed=0)
            result["sizes"][large] = await measure(db, samples=samples, members=members, seed=1)
            print(f"{large:>9,} requests: {json.dumps(result['sizes'][large])}")
            result["plans"] = await plans(db)
            if show_plans:
                for name, plan in result["plans"].items():
                    print(f"\n-- {name}\n{plan}")
        finally:
            await db.dispose()
    for key in ("pick_helpers_ms", "open_list_ms"):
        growth = result["sizes"][large][key]["p95"] / result["sizes"][small][key]["p95"]
        result[f"{key}_p95_growth"] = growth
        print(f"{key} p95 growth {small:,} -> {large:,}: {growth:.2f}x")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--buurten", type=int, default=2_000)
    parser.add_argument("--small", type=int, default=10_000, help="requests at the first measurement")
    parser.add_argument("--large", type=int, default=1_000_000, help="requests at the second measurement")
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--plans", action="store_true", help="print the query plans")
    options = parser.parse_args()
    if postgres_url() is None:
        raise SystemExit(POSTGRES_MISSING)
    quiet_logging()
    result = asyncio.run(
        run(
            members=options.members,
            buurten=options.buurten,
            small=options.small,
            large=options.large,
            samples=options.samples,
            show_plans=options.plans,
        )
    )
    result.update(machine=machine(), commit=source_version())
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, default=str))
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
