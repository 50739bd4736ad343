"""Callback data sealed for its chat: only a button the bot made for that chat opens."""

from __future__ import annotations

import json

import pytest

from bot.delivery.buttons import MAX_DATA_BYTES, NOT_OURS, SEAL_LENGTH, ButtonSeal

ANNA, BRAM = 1001, 1002
seal = ButtonSeal("123456789:AAHfakeTOKENfor-tests_only_0123456789")


def a_tap(chat_id: int, data: str, **message: object) -> dict[str, object]:
    return {
        "update_id": 7,
        "callback_query": {
            "id": "42",
            "from": {"id": chat_id, "is_bot": False, "first_name": "Anna"},
            "chat_instance": "-1",
            "message": {"message_id": 3, "date": 0, "chat": {"id": chat_id, "type": "private"}, **message},
            "data": data,
        },
    }


def test_a_sealed_button_opens_in_its_own_chat_only() -> None:
    sealed = seal.seal(ANNA, "ob:buurt:5")
    assert sealed.startswith("ob:buurt:5|") and len(sealed) == len("ob:buurt:5|") + SEAL_LENGTH
    assert seal.open(ANNA, sealed) == "ob:buurt:5"
    assert seal.open(BRAM, sealed) is None  # moved to another chat


@pytest.mark.parametrize(
    "forged",
    ["ob:buurt:5", "ob:buurt:6|AAAAAAAA", "", "|", "ob:buurt:5|", "ob:buurt:55|{mac}", "ob:buurt:5|{mac}x"],
)
def test_made_up_or_changed_data_does_not_open(forged: str) -> None:
    mac = seal.seal(ANNA, "ob:buurt:5").rpartition("|")[2]
    assert seal.open(ANNA, forged.format(mac=mac)) is None


def test_another_token_makes_other_seals() -> None:
    other = ButtonSeal("987654321:AAHanotherTOKENfor-tests_only_987654")
    assert other.open(ANNA, seal.seal(ANNA, "hv:ja:1")) is None


def test_the_data_must_leave_room_for_the_seal() -> None:
    assert len(seal.seal(ANNA, "x" * MAX_DATA_BYTES).encode()) == 64  # Telegram's limit, exactly
    with pytest.raises(ValueError, match="at most"):
        seal.seal(ANNA, "x" * (MAX_DATA_BYTES + 1))
    with pytest.raises(ValueError, match="at most"):
        seal.seal(ANNA, "é" * (MAX_DATA_BYTES // 2 + 1))  # bytes count, not characters
    with pytest.raises(ValueError, match="refused tap"):
        seal.seal(ANNA, NOT_OURS)


def test_a_request_leaves_with_every_callback_button_sealed_and_other_buttons_as_they_are() -> None:
    markup = {
        "inline_keyboard": [
            [{"text": "Ja", "callback_data": "ob:ja"}, {"text": "Open", "url": "https://t.me/buurtbot"}]
        ]
    }
    parameters = {"chat_id": ANNA, "text": "Hoi", "reply_markup": markup}
    encoded = {"chat_id": str(ANNA), "text": "Hoi", "reply_markup": json.dumps(markup)}

    sent = seal.seal_parameters(parameters, encoded)

    buttons = json.loads(sent["reply_markup"])["inline_keyboard"][0]
    assert seal.open(ANNA, buttons[0]["callback_data"]) == "ob:ja"
    assert buttons[1] == {"text": "Open", "url": "https://t.me/buurtbot"}
    assert {key: sent[key] for key in ("chat_id", "text")} == {"chat_id": str(ANNA), "text": "Hoi"}
    assert markup["inline_keyboard"][0][0]["callback_data"] == "ob:ja"  # the caller's markup is untouched


def test_a_request_without_callback_buttons_is_left_alone() -> None:
    reply_keyboard = {"keyboard": [["🙋 Ik zoek hulp"]]}
    encoded = {"chat_id": str(ANNA), "reply_markup": json.dumps(reply_keyboard)}
    assert seal.seal_parameters({"chat_id": ANNA, "reply_markup": reply_keyboard}, encoded) is encoded


def test_buttons_for_a_chat_that_is_not_a_number_are_refused_before_sending() -> None:
    markup = {"inline_keyboard": [[{"text": "Ja", "callback_data": "ob:ja"}]]}
    with pytest.raises(ValueError, match="numeric chat_id"):
        seal.seal_parameters({"inline_message_id": "AAA", "reply_markup": markup}, {})


def test_a_tap_on_our_button_reaches_the_handlers_with_the_data_they_wrote() -> None:
    opened, ours = seal.opened_update(a_tap(ANNA, seal.seal(ANNA, "hv:ja:12")))
    assert ours and opened["callback_query"]["data"] == "hv:ja:12"


@pytest.mark.parametrize("data", ["hv:ja:12", seal.seal(BRAM, "hv:ja:12")])
def test_a_tap_on_a_button_we_did_not_make_for_that_chat_is_marked(data: str) -> None:
    opened, ours = seal.opened_update(a_tap(ANNA, data))
    assert not ours and opened["callback_query"]["data"] == NOT_OURS


def test_a_tap_without_a_message_cannot_be_told_apart_from_a_forgery() -> None:
    tap = a_tap(ANNA, seal.seal(ANNA, "hv:ja:12"))
    del tap["callback_query"]["message"]  # type: ignore[attr-defined]
    assert seal.opened_update(tap)[1] is False


def test_other_updates_pass_as_they_are() -> None:
    message = {"update_id": 8, "message": {"message_id": 1, "date": 1, "chat": {"id": ANNA}, "text": "hoi"}}
    assert seal.opened_update(message) == (message, True)
