"""Every admin command's buttons for one buurt (or for a member, report, invite or activity in it), tapped
by a resident, a coordinator of another buurt, a coordinator of this buurt and an operator: the server
decides, whatever buttons someone was shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from bot.db.models import Activity, Report
from bot.runtime import Runtime
from bot.services.buurten import invites
from bot.services.people import members, membership
from tests.conversation import People, Person
from tests.handlers.coordination import OPERATOR_ID, a_buurt, a_coordinator, a_member, buurtbot
from tests.neighbours import has_started

__all__ = ["buurtbot"]  # fixture

COORDINATOR_REFUSAL = "alleen een coördinator van deze buurt"
OPERATOR_REFUSAL = "alleen de beheerders"
NOT_A_MEMBER = 7777  # a Telegram user id to appoint

# (callback data, who may, what they see when allowed). The fields are those of Transvaal below.
BUTTONS = [
    # /buurten
    ("buurt:b:{buurt}", "operator", "Lid worden: iedereen is meteen lid"),
    ("buurt:naam:{buurt}", "operator", "Typ de nieuwe naam"),
    ("buurt:pc:{buurt}", "operator", "Typ de postcodes"),
    ("buurt:beleid:{buurt}:approval", "operator", "een coördinator laat elke nieuwkomer toe"),
    ("buurt:aan:{buurt}", "operator", "Wie wordt coördinator?"),
    ("buurt:aan:{buurt}:1", "operator", "Wie wordt coördinator?"),
    ("buurt:kies:{buurt}:7777", "operator", "Coördinatoren: Carla, 7777"),
    ("buurt:weg:{buurt}:{carla}", "operator", "Coördinatoren: nog niemand"),
    # /leden
    ("adm:leden:{buurt}", "coordinator", "Leden van Transvaal"),
    ("adm:leden:p:{buurt}:1", "coordinator", "Leden van Transvaal"),
    ("lid:ja:{newcomer}", "coordinator", "Nina is nu lid van Transvaal"),
    ("lid:nee:{newcomer}", "coordinator", "Nina is niet toegelaten"),
    # /uitnodigen
    ("inv:b:{buurt}", "coordinator", "Buren uitnodigen"),
    ("inv:l:{buurt}", "coordinator", "Links die nu werken"),
    ("inv:l:{buurt}:1", "coordinator", "Links die nu werken"),
    ("inv:k:{buurt}:1", "coordinator", "Hoe lang mag de link werken?"),
    ("inv:m:{buurt}:n:week", "coordinator", "Hier is je uitnodigingslink voor Transvaal"),
    ("inv:x:{invite}", "coordinator", "Gestopt."),
    # /omroep
    ("omr:b:{buurt}", "coordinator", "Typ je bericht voor iedereen in Transvaal"),
    # /activiteit
    ("adm:akt:b:{buurt}", "coordinator", "Activiteiten in Transvaal"),
    ("adm:akt:nieuw:{buurt}", "coordinator", "Hoe heet de activiteit?"),
    ("adm:akt:weg:{activity}", "coordinator", "Afgezegd: Koffieochtend"),
    # /namens
    ("vr:namens:{buurt}", "coordinator", "Voor wie is deze hulpvraag?"),
    # /melding, /blokkeer, /deblokkeer
    ("mod:negeer:{report}", "coordinator", "Genegeerd"),
    ("mod:waarschuw:{report}", "coordinator", "Bob is vriendelijk gewaarschuwd"),
    ("mod:blokkeer:{report}", "coordinator", "Typ de reden"),
    ("mod:wie:{rik}", "coordinator", "Typ de reden"),
    ("mod:vrij:{bob}", "coordinator", "Bob is niet meer geblokkeerd"),
    # /digest, /digest <day> <time>
    ("adm:dg:b:{buurt}", "coordinator", "Dit krijgen de gekoppelde groepen"),
    ("adm:dg:m:4:1020:{buurt}", "coordinator", "komt nu elke vrijdag om 17:00"),
    # /statistiek, /export
    ("adm:stat:b:{buurt}", "coordinator", "Welke periode?"),
    ("adm:stat:p:week:{buurt}", "coordinator", "Deze week, vanaf"),
    ("adm:exp:b:{buurt}", "coordinator", "Welke periode?"),
    ("adm:exp:p:year:{buurt}", "coordinator", "Het is anoniem"),
]
# Buttons whose answer is two messages: a text and a file (the invite poster, the chart, the CSV), or the
# introduction and the digest itself.
FOLLOWED_BY = ("inv:m:", "adm:stat:p:", "adm:exp:p:", "adm:dg:b:")
CALLERS = ["resident", "coordinator of another buurt", "coordinator of this buurt", "operator"]


@dataclass(frozen=True)
class Transvaal:
    buurt: int
    carla: int  # a coordinator (Telegram id)
    rik: int  # a member
    bob: int  # a blocked member, reported
    newcomer: int  # waiting for a yes
    report: int
    invite: int
    activity: int


async def transvaal(runtime: Runtime, people: People) -> Transvaal:
    buurt = await a_buurt(runtime, "Transvaal")
    carla, rik, bob, nina = people("Carla"), people("Rik"), people("Bob"), people("Nina")
    await a_coordinator(runtime, carla, "Transvaal")
    rik_id, bob_id = await a_member(runtime, rik), await a_member(runtime, bob)
    nina_id = await a_member(runtime, nina, status=membership.PENDING)
    now = runtime.clock.now()
    async with runtime.db.begin() as session:
        blocked = await membership.member_of(session, bob.user_id)
        blocked.blocked_at, blocked.blocked_reason = now, "spam"
        report = Report(buurt_id=buurt, reporter_id=rik_id, reported_id=bob_id, status="open", created_at=now)
        activity = Activity(
            buurt_id=buurt,
            organiser_telegram_id=carla.user_id,
            title="Koffieochtend",
            starts_at=now + timedelta(days=2),
            place="Buurthuis",
            text="",
            created_at=now,
        )
        session.add_all([report, activity])
        invite = await invites.create_invite(session, buurt, now)
        await session.flush()
        return Transvaal(buurt, carla.user_id, rik_id, bob_id, nina_id, report.id, invite.id, activity.id)


async def a_caller(buurtbot: Runtime, people: People, caller: str) -> Person:
    """Pim (or Olga, the operator) as one of CALLERS, with Schilderswijk beside Transvaal."""
    await a_buurt(buurtbot, "Schilderswijk", postcodes="2525")
    person = people("Pim")
    if caller == "operator":
        person = has_started(people.with_id(OPERATOR_ID, "Olga"))
        async with buurtbot.db.begin() as session:  # has started the bot: /namens needs a chat
            await members.register(session, OPERATOR_ID, language="nl", now=buurtbot.clock.now())
    elif caller == "resident":
        await a_member(buurtbot, person)
    elif caller == "coordinator of another buurt":
        await a_coordinator(buurtbot, person, "Schilderswijk")
    else:
        await a_coordinator(buurtbot, person, "Transvaal")
    return person


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(
    ("data", "who_may", "allowed_answer"), BUTTONS, ids=[b[0].split("{")[0] for b in BUTTONS]
)
async def test_buttons_for_a_buurt_are_checked_on_the_server(
    buurtbot: Runtime, people: People, caller: str, data: str, who_may: str, allowed_answer: str
) -> None:
    world = await transvaal(buurtbot, people)
    person = await a_caller(buurtbot, people, caller)
    await person.sends("/taal")  # a message of the bot with buttons, to put the tapped one under
    allowed = caller == "operator" or (caller == "coordinator of this buurt" and who_may == "coordinator")
    follows = allowed and any(data.startswith(prefix) for prefix in FOLLOWED_BY)
    texts_before = len(person.texts)

    answer = await person.taps_data(data.format(**world.__dict__), answers=2 if follows else 1)

    if follows:
        assert allowed_answer in person.texts[texts_before]  # the text; the file or digest comes after it
    elif allowed:
        assert allowed_answer in answer
    else:
        assert (OPERATOR_REFUSAL if who_may == "operator" else COORDINATOR_REFUSAL) in answer.lower()


REFUSALS = ("dit is voor coördinatoren", "alleen een coördinator", "alleen de beheerders")

# (command, who may, what a coordinator of Transvaal sees, or the operator after choosing)
COMMANDS = [
    ("/buurten", "operator", "Transvaal"),
    ("/leden", "coordinator", "Leden van Transvaal"),
    ("/uitnodigen", "coordinator", "Buren uitnodigen"),
    ("/omroep", "coordinator", "iedereen in Transvaal"),
    ("/activiteit", "coordinator", "Activiteiten in Transvaal"),
    ("/namens", "coordinator", "Voor wie is deze hulpvraag?"),
    ("/melding", "coordinator", "bericht van Bob"),
    ("/blokkeer", "coordinator", "Wie wil je blokkeren?"),
    ("/deblokkeer", "coordinator", "Bob"),
    ("/digest", "coordinator", "Dit krijgen de gekoppelde groepen"),
    ("/statistiek", "coordinator", "Welke periode?"),
    ("/export", "coordinator", "Welke periode?"),
    ("/checkin Rik", "coordinator", "Ik heb Rik gevraagd"),
]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("command", "who_may", "shown"), COMMANDS, ids=[c[0] for c in COMMANDS])
async def test_every_admin_command_answers_each_caller_about_their_own_buurten_only(
    buurtbot: Runtime, people: People, caller: str, command: str, who_may: str, shown: str
) -> None:
    await transvaal(buurtbot, people)
    person = await a_caller(buurtbot, people, caller)

    before = len(person.texts)
    # A coordinator's /digest shows their (only) buurt's digest after an introduction: two messages.
    previews = command == "/digest" and caller.startswith("coordinator")
    await person.sends(command, answers=2 if previews else 1)
    answer = " ".join(person.texts[before:])

    seen = " ".join([answer, *(label for label, _ in person.buttons())])
    refused = any(refusal in seen.lower() for refusal in REFUSALS)
    if caller == "resident" or (who_may == "operator" and caller != "operator"):
        assert refused
    elif caller == "coordinator of another buurt":
        assert not refused and "Transvaal" not in seen and "Bob" not in seen
    elif caller == "coordinator of this buurt":
        assert shown in seen
    else:
        assert not refused and (shown in seen or "Welke buurt?" in seen)
