"""Drafting with a language model: the request, and every answer checked against the text.

A real HTTP server on 127.0.0.1 plays the OpenAI-compatible API: it records each request
and answers with canned replies. Nothing goes beyond this machine.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from generator.common.errors import FactsheetsError, Problems
from generator.draft import model
from generator.draft.compose import compose
from generator.draft.proposals import Draft, Known
from generator.sources.checks import quotes
from generator.sources.parse import parse_summary
from generator.sources.text import SourceText

ROOT = Path(__file__).resolve().parents[2]
TEXT = SourceText((ROOT / "seeds/cbs-baghdad-drone-strike/source.txt").read_text("utf-8"))
SOURCE = {
    "id": "cbs-baghdad-drone-strike",
    "title": "Iraq criticizes overnight US drone strike in Baghdad",
    "outlet": "CBS News",
    "language": "en",
    "file": "source.txt",
}
KNOWN = [
    Known("united-states", "actors", "United States", ("US", "U.S."), "state", False, "seeds/a"),
    Known("iraq", "locations", "Iraq", (), "country", False, "seeds/a"),
    Known("atlantis", "locations", "Atlantis", (), "city", False, "seeds/b"),
]


@dataclass
class Fake:
    """The fake server: what it was asked, and what it answers to each POST, in turn."""

    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    replies: list[tuple[int, Any]] = field(default_factory=list)
    delay: float = 0.0

    @property
    def posts(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["method"] == "POST"]


def completion(content: str, finish: str = "stop") -> dict[str, Any]:
    message = {"role": "assistant", "content": content}
    return {"choices": [{"index": 0, "message": message, "finish_reason": finish}]}


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy set in the environment must not carry the requests off this machine."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "*")


@pytest.fixture
def server() -> Iterator[Fake]:
    fake = Fake()

    class Handler(BaseHTTPRequestHandler):
        def _record(self, body: Any) -> None:
            fake.requests.append(
                {
                    "method": self.command,
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": body,
                }
            )

        def _send(self, status: int, payload: Any) -> None:
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)  # fails when the client gave up waiting

        def do_GET(self) -> None:
            self._record(None)
            self._send(200, {"object": "list", "data": [{"id": "test-model"}]})

        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            self._record(json.loads(self.rfile.read(length)))
            time.sleep(fake.delay)
            status, payload = fake.replies.pop(0) if len(fake.replies) > 1 else fake.replies[0]
            self._send(status, payload)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    yield fake
    httpd.shutdown()
    httpd.server_close()


def answer(**sections: Any) -> dict[str, Any]:
    return {"actors": [], "locations": [], "events": [], "statements": [], **sections}


RASOOL = {
    "id": "yehia-rasool",
    "name": "Yehia Rasool",
    "kind": "person",
    "quote": "Yehia Rasool, the spokesperson for the Iraqi Armed Forces",
    "relations": [
        {
            "type": "spokesperson-for",
            "target": "iraqi-armed-forces",
            "quote": "the spokesperson for the Iraqi Armed Forces",
        },
        {
            "type": "member-of",
            "target": "iraqi-armed-forces",
            "quote": "Rasool has served in the Iraqi army for three decades",
        },
    ],
}
ARMED_FORCES = {
    "id": "iraqi-armed-forces",
    "name": "Iraqi Armed Forces",
    "kind": "military-unit",
    "quote": "A spokesperson for the Iraqi Armed Forces",
    "country": "iraq",
    "country_quote": "the Iraqi Armed Forces",
}
GHOST = {  # an actor the article never mentions
    "id": "kataib-hezbollah",
    "name": "Kataib Hezbollah",
    "kind": "armed-group",
    "quote": "Kataib Hezbollah claimed responsibility for the attack",
}
STRIKE = {
    "id": "baghdad-drone-strike",
    "title": "US drone strike in Baghdad",
    # One letter wrong ("commandr"): near enough to repair.
    "quote": "the overnight US drone strike in Baghdad, which resulted in the death of a "
    "senior commandr of an Iran-backed militia",
    "type": "Explosions/Remote violence",
    "sub_type": "Air/drone strike",
    "date": {"precision": "relative", "relative": "overnight", "quote": "the overnight US drone"},
    "locations": [{"location": "baghdad", "quote": "drone strike in Baghdad"}],
    "participants": [
        {"actor": "united-states", "role": "perpetrator", "quote": "the overnight US drone strike"},
        {"actor": "kataib-hezbollah", "role": "target", "quote": "a senior commander"},
    ],
    "figures": [
        {"kind": "fatalities", "value": 1, "quote": "resulted in the death of a senior commander"}
    ],
}
BAGHDAD = {"id": "baghdad", "name": "Baghdad", "kind": "city", "quote": "strike in Baghdad"}
STATEMENTS = [
    {
        "id": "rasool-blatant-assassination",
        "speaker": "yehia-rasool",
        "type": "condemns",
        "summary": "Called the strike a blatant assassination.",
        "about": ["baghdad-drone-strike"],
        # Straight quotation marks where the article has curly ones: the same to `find`.
        "quote": 'labeled the strike a "blatant assassination"',
    },
    {
        "id": "kataib-claim",
        "speaker": "kataib-hezbollah",
        "type": "claims",
        "summary": "Claimed the attack.",
        "quote": "The militia is suspected of carrying out an attack",
    },
]
FULL = answer(
    actors=[RASOOL, ARMED_FORCES, GHOST],
    locations=[BAGHDAD],
    events=[STRIKE],
    statements=STATEMENTS,
)


def run(fake: Fake, content: Any, **options: Any) -> Draft:
    text = content if isinstance(content, str) else json.dumps(content)
    fake.replies = [(200, completion(text))]
    return model.draft(
        fake.url, TEXT, SOURCE, KNOWN, api_key=options.pop("api_key", None), **options
    )


def item(result: Draft, id_: str) -> dict[str, Any]:
    return next(p.item for p in result.proposals if p.item["id"] == id_)


def reasons(result: Draft) -> list[str]:
    return [f"{d.section} {d.label}: {d.reason}" for d in result.dropped]


# --- The request -------------------------------------------------------------------


def test_the_request_carries_the_prompt_schema_and_key(server: Fake) -> None:
    run(server, FULL, api_key="sekret")
    get, post = server.requests
    assert (get["method"], get["path"]) == ("GET", "/v1/models")
    assert post["path"] == "/v1/chat/completions"
    assert post["headers"]["Authorization"] == "Bearer sekret"
    body = post["body"]
    assert body["model"] == "test-model"  # the first the server lists
    assert (body["temperature"], body["seed"]) == (0, 0)
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["name"] == "summary" and fmt["json_schema"]["strict"] is False
    properties = fmt["json_schema"]["schema"]["properties"]
    assert {"actors", "locations", "events", "statements"} <= set(properties)
    assert "source" not in properties  # the draft writes its own
    system, user = body["messages"]
    assert system["role"] == "system"
    assert "character for character" in system["content"]
    assert "outside knowledge" in system["content"]
    assert user["role"] == "user"
    assert TEXT.text in user["content"]
    assert '"id": "cbs-baghdad-drone-strike"' in user["content"]
    # Known entities the text names come first; the others follow.
    offered = user["content"]
    assert offered.index('"united-states"') < offered.index('"atlantis"')
    assert '"aliases": ["US", "U.S."]' in offered


def test_a_named_model_is_asked_for_without_listing_models(server: Fake) -> None:
    run(server, FULL, model_name="qwen2.5:7b")
    assert [r["method"] for r in server.requests] == ["POST"]
    assert server.posts[0]["body"]["model"] == "qwen2.5:7b"
    assert "Authorization" not in server.posts[0]["headers"]


def test_the_url_may_end_in_a_slash_or_the_endpoint(server: Fake) -> None:
    for url in (server.url + "/", server.url + "/chat/completions"):
        server.replies = [(200, completion(json.dumps(FULL)))]
        model.draft(url, TEXT, SOURCE, KNOWN, api_key=None, model_name="m")
    assert all(r["path"] == "/v1/chat/completions" for r in server.posts)


# --- Quotes ------------------------------------------------------------------------


def test_a_verbatim_quote_is_kept(server: Fake) -> None:
    result = run(server, FULL)
    rasool = item(result, "yehia-rasool")
    assert rasool["quote"] == RASOOL["quote"]
    assert rasool["relations"][0]["quote"] == "the spokesperson for the Iraqi Armed Forces"
    proposal = next(p for p in result.proposals if p.item["id"] == "yehia-rasool")
    assert proposal.why == "proposed by the language model"
    assert proposal.trigger == RASOOL["quote"]
    assert result.how == server.url and result.source == SOURCE


def test_a_near_quote_is_repaired_to_the_texts_words(server: Fake) -> None:
    result = run(server, FULL)
    strike = item(result, "baghdad-drone-strike")
    assert "senior commander of an Iran-backed militia" in strike["quote"]
    assert TEXT.find(strike["quote"]) is not None
    why = next(p.why for p in result.proposals if p.item["id"] == "baghdad-drone-strike")
    assert "quote repaired: 99% similar to the text" in why


def test_a_far_quote_is_dropped_and_listed(server: Fake) -> None:
    result = run(server, FULL)
    relations = item(result, "yehia-rasool")["relations"]
    assert [r["type"] for r in relations] == ["spokesperson-for"]
    [dropped] = [d for d in result.dropped if d.label == "yehia-rasool"]
    assert dropped.section == "actors"
    assert dropped.reason.startswith("relations[1] left out: quote not in the text (closest")
    assert '% similar): "Rasool has served' in dropped.reason


def test_an_entry_whose_quote_fails_goes_with_what_refers_to_it(server: Fake) -> None:
    result = run(server, FULL)
    ids = [p.item["id"] for p in result.proposals]
    assert "kataib-hezbollah" not in ids
    assert "kataib-claim" not in ids  # its speaker is gone
    assert "rasool-blatant-assassination" in ids
    participants = item(result, "baghdad-drone-strike")["participants"]
    assert [p["actor"] for p in participants] == ["united-states"]  # a known id stays
    said = reasons(result)
    assert any(r.startswith("actors kataib-hezbollah: quote not in the text") for r in said)
    assert (
        "events baghdad-drone-strike: participants[1] left out: its actor 'kataib-hezbollah' "
        "is defined neither in this draft nor in another summary" in said
    )
    assert any(
        r.startswith("statements kataib-claim: its speaker 'kataib-hezbollah' is") for r in said
    )


def test_every_quote_field_is_checked(server: Fake) -> None:
    actor = {
        **ARMED_FORCES,
        "country_quote": "the armed forces of the Republic of Iraq",
        "description": "The armed forces.",
        "description_quotes": ["spokesperson for the Iraqi Armed Forces", "a fleet of submarines"],
        "aliases": ["Iraqi Armed Forces", "Iraqi Navy"],
    }
    event = {**STRIKE, "date": {**STRIKE["date"], "quote": "on the morning of February 7"}}
    result = run(server, answer(actors=[actor], locations=[BAGHDAD], events=[event]))
    forces = item(result, "iraqi-armed-forces")
    assert "country" not in forces and "country_quote" not in forces  # they stand together
    assert forces["description_quotes"] == ["spokesperson for the Iraqi Armed Forces"]
    assert forces["aliases"] == ["Iraqi Armed Forces"]
    assert "date" not in item(result, "baghdad-drone-strike")
    said = "\n".join(reasons(result))
    assert "country_quote left out: quote not in the text" in said
    assert "description_quotes[1] left out" in said
    assert 'alias left out: "Iraqi Navy" is not in the text' in said
    assert "date left out: quote not in the text" in said


def test_references_to_unknown_ids_are_left_out_and_known_ones_kept(server: Fake) -> None:
    jordan = {
        "id": "jordan",
        "name": "Jordan",
        "kind": "country",
        "quote": "a US base in Jordan",
        "parent": "middle-east",
        "parent_quote": "in the region",
    }
    baghdad = {**BAGHDAD, "parent": "iraq", "parent_quote": "in Baghdad"}
    result = run(server, answer(locations=[jordan, baghdad]))
    assert "parent" not in item(result, "jordan") and "parent_quote" not in item(result, "jordan")
    assert item(result, "baghdad")["parent"] == "iraq"  # known
    assert (
        "locations jordan: parent left out: 'middle-east' is defined neither in this draft "
        "nor in another summary" in reasons(result)
    )


def test_known_ids_are_reused_and_said_so(server: Fake) -> None:
    us = {"id": "united-states", "name": "United States", "kind": "state", "quote": "the US"}
    result = run(server, answer(actors=[us]))
    [proposal] = result.proposals
    assert proposal.why == "proposed by the language model (reuses the known id from seeds/a)"


def test_ids_that_are_not_slugs_or_taken_are_made_anew(server: Fake) -> None:
    hussein = {
        "id": "Fuad Hussein",
        "name": "Fuad Hussein",
        "kind": "person",
        "quote": "Foreign Minister Fuad Hussein",
    }
    iraq_actor = {"id": "iraq", "name": "Iraq", "kind": "state", "quote": "Officials from Iraq"}
    statement = {
        "id": "hussein-talks",
        "speaker": "Fuad Hussein",
        "type": "calls-for",
        "summary": "Pushed for a resumption of the talks.",
        "quote": "has pushed for a resumption of the talks",
    }
    twice = {**statement, "summary": "Again."}
    result = run(server, answer(actors=[hussein, iraq_actor], statements=[statement, twice]))
    assert item(result, "fuad-hussein")["name"] == "Fuad Hussein"
    assert item(result, "hussein-talks")["speaker"] == "fuad-hussein"  # followed the new id
    assert item(result, "iraq-2")["kind"] == "state"  # `iraq` is a known location
    assert [p.item["summary"] for p in result.of("statements")] == [statement["summary"]]
    assert (
        "statements hussein-talks: a second entry with the id 'hussein-talks' (the first is kept)"
        in (reasons(result))
    )


def test_entries_that_do_not_validate_are_left_out_with_the_reason(server: Fake) -> None:
    poet = {"id": "rasool-poet", "name": "Rasool", "kind": "poet", "quote": "According to Rasool"}
    event = {
        **STRIKE,
        "quote": "the overnight US drone strike in Baghdad",
        "sub_type": "Peaceful protest",  # not a sub-type of its type: the sub-type goes
        "mood": "tense",  # not a field of the schema
        "figures": [{"kind": "fatalities", "value": -1, "quote": "the death of a senior"}],
    }
    result = run(server, answer(actors=[poet], locations=[BAGHDAD], events=[event]))
    assert [p.item["id"] for p in result.proposals] == ["baghdad", "baghdad-drone-strike"]
    strike = item(result, "baghdad-drone-strike")
    assert "sub_type" not in strike and "mood" not in strike and "figures" not in strike
    assert strike["type"] == "Explosions/Remote violence"
    said = "\n".join(reasons(result))
    assert "actors rasool-poet: not valid: kind: Input should be 'person'" in said
    assert "mood left out, not valid: mood: Extra inputs are not permitted" in said
    assert "figures[0] left out, not valid: figures[0].value: Value error, must be 0" in said
    # The rule that a sub-type belongs to its type is the entry's: its sub-type goes.
    assert "sub_type left out, not valid: Value error, sub_type 'Peaceful protest'" in said


def test_null_fields_are_fields_left_out(server: Fake) -> None:
    # Models held to a schema write `null` for each optional field they leave out.
    nulls = {"aliases": None, "country": None, "country_quote": None, "possibly": None}
    result = run(server, answer(actors=[{**ARMED_FORCES, **nulls}], statements=None))
    assert not result.dropped
    assert item(result, "iraqi-armed-forces") == {
        k: v for k, v in ARMED_FORCES.items() if k not in nulls
    }


def test_the_entries_keep_the_summarys_field_order(server: Fake) -> None:
    rasool = {"quote": RASOOL["quote"], "kind": "person", "name": "Yehia Rasool", "id": "y-r"}
    result = run(server, answer(actors=[rasool]))
    assert list(result.proposals[0].item) == ["id", "name", "kind", "quote"]


# --- The answer ----------------------------------------------------------------------


def test_a_fenced_answer_after_thinking_is_read(server: Fake) -> None:
    fenced = f"<think>Let me see.</think>\nHere it is:\n```json\n{json.dumps(FULL)}\n```"
    assert item(run(server, fenced), "yehia-rasool")


@pytest.mark.parametrize("content", ["I cannot summarise this article.", "[1, 2]", ""])
def test_an_answer_that_is_not_a_json_object_is_an_error(server: Fake, content: str) -> None:
    with pytest.raises(FactsheetsError, match="did not answer with a JSON object"):
        run(server, content)


def test_a_cut_off_answer_is_an_error(server: Fake) -> None:
    server.replies = [(200, completion('{"actors": [', finish="length"))]
    with pytest.raises(FactsheetsError, match="finish_reason: length"):
        model.draft(server.url, TEXT, SOURCE, KNOWN, api_key=None)


def test_a_reply_that_is_no_completion_is_an_error(server: Fake) -> None:
    server.replies = [(200, b"<html>not an API</html>")]
    with pytest.raises(FactsheetsError, match="did not answer in JSON"):
        model.draft(server.url, TEXT, SOURCE, KNOWN, api_key=None, model_name="m")
    server.replies = [(200, {"unexpected": True})]
    with pytest.raises(FactsheetsError, match="without a chat completion"):
        model.draft(server.url, TEXT, SOURCE, KNOWN, api_key=None, model_name="m")


# --- Errors --------------------------------------------------------------------------


def test_an_http_error_names_the_status_and_the_servers_message(server: Fake) -> None:
    server.replies = [(500, {"error": {"message": "model crashed\nbadly", "code": 500}})]
    with pytest.raises(FactsheetsError) as raised:
        model.draft(server.url, TEXT, SOURCE, KNOWN, api_key=None)
    assert raised.value.message == (
        f"the language model at {server.url} answered HTTP 500: model crashed badly"
    )
    server.replies = [(401, b"Unauthorized")]
    with pytest.raises(FactsheetsError, match="HTTP 401: Unauthorized; check the API key"):
        model.draft(server.url, TEXT, SOURCE, KNOWN, api_key="wrong", model_name="m")


def test_a_refused_connection_is_an_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    with pytest.raises(FactsheetsError, match=f"could not reach the language model at {url}: "):
        model.draft(url, TEXT, SOURCE, KNOWN, api_key=None)


def test_a_server_too_slow_is_an_error(server: Fake) -> None:
    server.delay = 1.0
    server.replies = [(200, completion(json.dumps(FULL)))]
    with pytest.raises(FactsheetsError, match="could not reach .*: no answer within 0.2 seconds"):
        model.draft(server.url, TEXT, SOURCE, KNOWN, api_key=None, model_name="m", timeout=0.2)


def test_an_address_that_is_not_http_is_refused() -> None:
    with pytest.raises(FactsheetsError, match="must be an http"):
        model.draft("file:///etc/passwd", TEXT, SOURCE, KNOWN, api_key=None)


def test_the_address_query_is_sent_but_never_shown(server: Fake) -> None:
    server.replies = [(200, completion(json.dumps(FULL)))]
    url = server.url + "?api-version=2024&key=sekret"
    result = model.draft(url, TEXT, SOURCE, KNOWN, api_key=None, model_name="m")
    assert server.posts[0]["path"] == "/v1/chat/completions?api-version=2024&key=sekret"
    assert result.how == server.url
    server.replies = [(500, b"down")]
    with pytest.raises(FactsheetsError) as raised:
        model.draft(url, TEXT, SOURCE, KNOWN, api_key=None, model_name="m")
    assert "sekret" not in raised.value.message


def test_credentials_in_the_address_are_refused() -> None:
    with pytest.raises(FactsheetsError) as raised:
        model.draft("http://me:sekret@127.0.0.1:9/v1", TEXT, SOURCE, KNOWN, api_key=None)
    assert "sekret" not in raised.value.message and "API key" in raised.value.message


def test_a_server_without_json_schema_is_asked_for_a_json_object(server: Fake) -> None:
    refusal = {"error": {"message": "response_format type json_schema is not supported"}}
    server.replies = [(400, refusal), (200, completion(json.dumps(FULL)))]
    result = model.draft(server.url, TEXT, SOURCE, KNOWN, api_key=None, model_name="m")
    first, second = (post["body"] for post in server.posts)
    assert first["response_format"]["type"] == "json_schema"
    assert second["response_format"] == {"type": "json_object"}
    # The model now sees the schema in the prompt instead.
    assert "The answer's JSON Schema:" in second["messages"][0]["content"]
    assert second["messages"][1] == first["messages"][1]
    assert item(result, "yehia-rasool")


def test_another_bad_request_is_not_retried(server: Fake) -> None:
    server.replies = [(400, {"error": {"message": "context length exceeded"}})]
    with pytest.raises(FactsheetsError, match="HTTP 400: context length exceeded"):
        model.draft(server.url, TEXT, SOURCE, KNOWN, api_key=None, model_name="m")
    assert len(server.posts) == 1


# --- The draft as a summary ------------------------------------------------------------


def test_the_draft_composes_into_a_valid_summary_whose_quotes_are_all_found(server: Fake) -> None:
    result = run(server, FULL)
    written = compose(result)
    problems = Problems()
    summary = parse_summary(written, "x", problems)
    assert summary is not None, [str(p) for p in problems.items]
    assert not problems
    assert summary.draft and summary.source.id == SOURCE["id"]
    assert [a.id for a in summary.actors] == ["yehia-rasool", "iraqi-armed-forces"]
    assert [e.id for e in summary.events] == ["baghdad-drone-strike"]
    found = list(quotes(summary))
    assert len(found) > 10
    for path, quote in found:
        assert TEXT.find(quote) is not None, (path, quote)
    assert server.url in written
