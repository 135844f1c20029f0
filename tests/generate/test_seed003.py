"""The seed 003 parser yields the figures of ../shared/reference/pbx-extension-api.md (§0, §1, §5, App. B)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from seed003 import SEED_PATH, SeedEndpoint, SeedRow, load_seed, parse_seed


@pytest.fixture(scope="module")
def endpoints() -> list[SeedEndpoint]:
    """The parsed seed; skips when ../shared/seeds is absent."""
    parsed = load_seed()
    if parsed is None:
        pytest.skip(f"needs the seed {SEED_PATH} (absent)")
    return parsed


@pytest.fixture(scope="module")
def rows(endpoints) -> list[SeedRow]:
    """Every row of every endpoint."""
    return [row for endpoint in endpoints for row in endpoint.rows]


def _endpoint(endpoints: list[SeedEndpoint], method: str, path: str) -> SeedEndpoint:
    """The one block with this method and path."""
    (found,) = [e for e in endpoints if (e.method, e.path) == (method, path)]
    return found


def _row(endpoint: SeedEndpoint, section: str, name: str) -> SeedRow:
    """The one row with this name in a sub-table."""
    (found,) = [r for r in endpoint.rows_in(section) if r.name == name]
    return found


def test_endpoints(endpoints):
    assert len(endpoints) == 103
    assert len({(e.method, e.path) for e in endpoints}) == 103
    assert Counter(e.method for e in endpoints) == {"GET": 50, "POST": 13, "PUT": 24, "DELETE": 16}
    assert all(e.path.startswith("/extension/") for e in endpoints)
    assert [e.path for e in endpoints if "{extension_id}" not in e.path] == ["/extension/registration/"]
    assert (endpoints[0].line, endpoints[-1].line) == (10, 8567)  # seed lines in the doc's §1 table


def test_row_counts(rows):
    assert len(rows) == 1256
    assert Counter(r.section for r in rows) == {"path": 166, "query": 28, "json": 320, "form": 2, "resource": 740}
    assert sum(r.required for r in rows) == 205
    assert sum(r.default is not None for r in rows) == 194


def test_type_vocabulary(rows):
    types = Counter(r.type for r in rows)
    assert (types["object"], types["file"]) == (5, 1)  # §5.1
    scalars = {"string", "integer", "boolean", "object", "file"}
    assert set(types) - scalars == {t for t in types if t.startswith("array [")}
    # App. B: 1,257 type-token lines = 1,256 rows + the form field literally named `file`
    text = SEED_PATH.read_text(encoding="utf-8")
    token = re.compile(r"^(string|integer|boolean|object|file|array \[\w+\])$", re.M)
    assert len(token.findall(text)) == len(rows) + 1


def test_path_rows_match_path_templates(endpoints):
    for e in endpoints:
        assert sorted(re.findall(r"\{(\w+)\}", e.path)) == sorted(r.name for r in e.rows_in("path")), e.path
        assert all(r.required for r in e.rows_in("path")), e.path


def test_extension_id_types(rows):
    """§5.2: string in all 102 path rows, integer in 17 resource rows, an integer array in one query."""
    ext = Counter((r.section, r.type) for r in rows if r.name == "extension_id")
    assert ext == {("path", "string"): 102, ("resource", "integer"): 17, ("query", "array [integer]"): 1}


def test_markers_are_read_from_descriptions(rows):
    for r in rows:
        assert r.required == r.description.startswith("Required.")
        assert (r.default is None) == ("Default: " not in r.description)
        assert (r.allowed is None) == ("One of " not in r.description)
        assert r.description == " ".join(r.description.split())
        assert "No labels" not in r.description


def test_event_subscription(endpoints):
    post = _endpoint(endpoints, "POST", "/extension/{extension_id}/event/")
    assert post.summary == "Add extension event"
    assert [r.name for r in post.rows_in("json")] == ["url", "event_type", "method"]
    event_type = _row(post, "json", "event_type")
    assert event_type.required and event_type.default is None
    assert event_type.allowed == [
        "dial-in", "dial-out", "hangup", "answer", "message-in", "message-out", "message-out-status", "voicemail",
    ]
    assert _row(post, "json", "method").allowed == ["GET", "POST"]
    assert [r.name for r in post.rows_in("resource")] == ["url", "method", "event_type", "id"]


def test_agent_status(endpoints):
    post = _endpoint(endpoints, "POST", "/extension/{extension_id}/agent/")
    status = _row(post, "json", "status")
    assert (status.type, status.required, status.default) == ("string", False, "available")
    assert status.allowed == ["logged_out", "available"]
    assert status.description == "Agent status. One of 'logged_out', 'available'. Default: available"
    assert _row(post, "json", "agent_sound_id").description == ""  # empty description: next line is a name
    assert _row(post, "resource", "status").type == "object"  # §5.2: request string vs resource object
    assert _row(post, "resource", "call_timeout").default == "60"


def test_registration_query(endpoints):
    get = _endpoint(endpoints, "GET", "/extension/registration/")
    assert get.rows_in("path") == []
    (query,) = get.rows_in("query")
    assert (query.name, query.type, query.required) == ("extension_id", "array [integer]", False)
    assert [(r.name, r.type, r.default) for r in get.rows_in("resource")] == [
        ("registered", "boolean", "False"),
        ("extension_id", "integer", None),
        ("registrations", "array [registration]", "[]"),
    ]


def test_fax_form_has_a_field_named_file(endpoints):
    post = _endpoint(endpoints, "POST", "/extension/{extension_id}/fax/out/")
    assert [(r.name, r.type, r.description) for r in post.rows_in("form")] == [
        ("dst_num", "string", "Required. Destination number."),
        ("file", "file", "Required."),
    ]


def test_defaults_and_none_in_allowed(endpoints):
    queue_put = _endpoint(endpoints, "PUT", "/extension/{extension_id}/queue/")
    assert _row(queue_put, "json", "sound_type").default == "ring"  # §5.3: JSON ring vs resource music
    assert _row(queue_put, "json", "sound_type").allowed == ["ring", "music"]
    assert _row(queue_put, "resource", "sound_type").default == "music"
    phone_put = _endpoint(endpoints, "PUT", "/extension/{extension_id}/phone/")
    assert _row(phone_put, "json", "record_format").allowed == ["mp3", "wav", "None"]
    delete = _endpoint(endpoints, "DELETE", "/extension/{extension_id}/agent/{agent_id}")
    assert _row(delete, "query", "remove_from_queues").default == "True"


def test_last_row_loses_the_footer(endpoints):
    last = endpoints[-1]
    assert (last.method, last.path) == ("GET", "/extension/{extension_id}/voicemail/{record_uuid}/storage_url/")
    assert last.rows[-1] == SeedRow("path", "record_uuid", "string", "Required.", True, None, None)


def test_parse_synthetic_block():
    """The tricky layouts without the seed: empty description, `file` named `file`, glued footer."""
    text = "\n\n".join([
        "preamble", "POST /extension/{extension_id}/x/", "Do x",
        "Form parameters", "Name", "Type", "Description",
        "a", "string", "b", "integer", "Default: 5 seconds, at most", "file", "file", "Required.",
        "Resource fields", "Name", "Type", "Description",
        "c", "string", "One of 'x', 'None'. Default: x • No labels",
    ])
    (e,) = parse_seed(text)
    assert (e.method, e.path, e.summary, e.line) == ("POST", "/extension/{extension_id}/x/", "Do x", 3)
    assert [(r.name, r.type, r.description) for r in e.rows_in("form")] == [
        ("a", "string", ""), ("b", "integer", "Default: 5 seconds, at most"), ("file", "file", "Required."),
    ]
    assert e.rows_in("form")[1].default == "5"
    (c,) = e.rows_in("resource")
    assert c == SeedRow("resource", "c", "string", "One of 'x', 'None'. Default: x", False, "x", ["x", "None"])
