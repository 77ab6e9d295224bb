"""Bad input never makes a 500: the library's corpus of bad scenarios, hostile documents
(alias bombs, deep nesting), bodies over the size limit (also chunked, on a real server),
mis-encoded and binary bodies, wrong content types, bad ids and bad solve parameters all
answer 4xx with the error body, scenario problems located in the library's words."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from api.app import create_app
from api.db import tokens as token_store
from api.db.tables import scenarios
from api.settings import Settings
from tests.api.conftest import bearer
from tests.api.live import raw_request, serving
from tests.api.support import small_yaml, stored_plan
from tests.chinese import assert_chinese
from tests.io.test_bad_input import BAD, CORPUS

#: The request size limit of these tests.
LIMIT = 200_000


class World:
    """One app for the module: its client, a planner's token, a stored valid scenario."""

    def __init__(self, app: FastAPI, client: TestClient, token: str, scenario_id: int) -> None:
        self.app = app
        self.client = client
        self.token = token
        self.scenario_id = scenario_id

    def send(
        self, method: str, path: str, body: bytes | None = None, content_type: str | None = None
    ) -> Response:
        """Send a request as the planner."""
        headers = bearer(self.token)
        if content_type is not None:
            headers["Content-Type"] = content_type
        return self.client.request(method, path, content=body, headers=headers)

    def stored(self) -> int:
        """How many scenarios are stored."""
        engine: sa.Engine = self.app.state.engine
        with engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(scenarios)).scalar_one())


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The service on a fresh SQLite file (size limit :data:`LIMIT`), asked for English."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("bad") / "data",
        workers=1,
        bootstrap=False,
        max_body_bytes=LIMIT,
        solve_time_limit=5.0,
    )
    app = create_app(settings)
    with TestClient(app, headers={"Accept-Language": "en"}) as client:
        with app.state.engine.begin() as conn:
            token = token_store.create(conn, "planner").secret
        created = client.post(
            "/scenarios",
            content=small_yaml().encode(),
            headers={**bearer(token), "Content-Type": "application/yaml"},
        )
        assert created.status_code == 201, created.text
        yield World(app, client, token, int(created.json()["id"]))


def error_of(response: Response, status: int | tuple[int, ...]) -> dict[str, Any]:
    """The error body of a response of the expected status (or one of them)."""
    allowed = (status,) if isinstance(status, int) else status
    assert response.status_code in allowed, (response.status_code, response.text[:500])
    body: dict[str, Any] = response.json()
    assert set(body) == {"error", "message", "problems"}
    assert isinstance(body["message"], str) and body["message"]
    return body


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_bad_file_is_refused_with_the_librarys_located_messages(
    world: World, name: str
) -> None:
    """Each file of the library's corpus of bad scenarios, created and validated, answers
    400 (malformed) or 422 (invalid) with the library's located messages, the same for
    both routes, and nothing is stored."""
    raw = (BAD / name).read_bytes()
    before = world.stored()
    created = world.send("POST", "/scenarios", raw, "application/yaml")
    body = error_of(created, (400, 422))
    assert body["error"] == ("malformed" if created.status_code == 400 else "invalid_scenario")
    assert body["problems"], "every problem is listed, located"
    for fragment in CORPUS[name][1]:
        assert fragment.replace("FILE", "<scenario>") in body["message"]
    for problem in body["problems"]:
        assert problem["message"] and problem["message"] in body["message"]
    validated = world.send(
        "POST", f"/scenarios/{world.scenario_id}/validate", raw, "application/yaml"
    )
    assert (validated.status_code, validated.json()) == (created.status_code, body)
    assert world.stored() == before


def test_an_upload_of_a_bad_file_is_refused_like_its_body(world: World) -> None:
    """A bad file uploaded as multipart answers as the same text sent as the body."""
    raw = (BAD / "many-problems-at-once.yaml").read_bytes()
    uploaded = world.client.post(
        "/scenarios",
        files={"file": ("季度.yaml", raw, "application/yaml")},
        headers=bearer(world.token),
    )
    assert (
        error_of(uploaded, 422)["problems"]
        == (world.send("POST", "/scenarios", raw, "application/yaml").json()["problems"])
    )


def alias_bomb(levels: int = 9, width: int = 9) -> bytes:
    """A YAML document whose aliases expand to ``width ** levels`` scalars."""
    lines = [f"a0: &a0 [{', '.join(['x'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(
    ("label", "body", "content_type", "fragment"),
    [
        ("alias bomb", alias_bomb(), "application/yaml", "YAML nodes once aliases"),
        ("alias bomb in a list", b"- " + alias_bomb().replace(b"\n", b"\n  "), "text/yaml", "YAML"),
        ("deep YAML", b"a: " + b"[" * 5000 + b"]" * 5000, "application/yaml", "nesting deeper"),
        ("deep YAML blocks", b"".join(b" " * i + b"k:\n" for i in range(200)), "text/yaml", ""),
        ("deep JSON", b'{"name": ' + b"[" * 40 + b"]" * 40 + b"}", "application/json", "nesting"),
        ("JSON beyond recursion", b"[" * 90_000 + b"]" * 90_000, "application/json", "nesting"),
        ("JSON syntax", b'{"name": "x",}', "application/json", "not well-formed"),
        ("JSON list", b"[1, 2]", "application/json", "expected a mapping at the top"),
        ("JSON null", b"null", "application/json", "expected a mapping at the top"),
        ("YAML scalar", b"just words", "application/yaml", "expected a mapping at the top"),
        ("GBK", "名称: 测试\n".encode("gbk"), "application/yaml", "reads as GBK/GB18030"),
        ("GBK JSON", '{"name": "测试"}'.encode("gbk"), "application/json", "GBK/GB18030"),
        ("UTF-16", "name: 测试\n".encode("utf-16"), "application/yaml", "UTF-16"),
        ("binary", bytes(range(256)) * 4, "application/yaml", "not UTF-8"),
        ("NUL bytes", b"name: \x00\x00\n", "application/yaml", "control character"),
        ("empty", b"", "application/json", "not well-formed"),
    ],
)
def test_hostile_and_mis_encoded_documents_are_400(
    world: World, label: str, body: bytes, content_type: str, fragment: str
) -> None:
    """Alias bombs, nesting beyond the limit (YAML and JSON, even past Python's recursion
    limit), syntax errors, documents that are not a mapping, GBK, UTF-16 and binary
    bodies: 400 ``malformed`` with the library's message, on create and on validate."""
    for path in ("/scenarios", f"/scenarios/{world.scenario_id}/validate"):
        response = world.send("POST", path, body, content_type)
        if label == "empty" and path.endswith("validate"):
            # no body: the current revision is validated
            assert response.status_code == 200
            continue
        error = error_of(response, 400)
        assert error["error"] == "malformed", label
        assert fragment in error["message"], (label, error["message"])


def test_a_scenario_that_is_well_formed_but_wrong_is_422_in_json_too(world: World) -> None:
    """A JSON object with wrong fields lists every located problem (422)."""
    body = json.dumps({"name": float("nan"), "weeks": 10**30}).encode()
    error = error_of(world.send("POST", "/scenarios", body, "application/json"), 422)
    assert error["error"] == "invalid_scenario"
    places = {p["place"] for p in error["problems"]}
    assert {"name", "season", "committees"} <= places


@pytest.mark.parametrize(
    "content_type",
    [None, "text/csv", "application/xml", "application/octet-stream", "image/png", "text/html"],
)
def test_a_wrong_content_type_is_415(world: World, content_type: str | None) -> None:
    """A scenario in another content type (or none) is refused with 415 on create,
    update and validate, naming the accepted ones."""
    text = small_yaml().encode()
    for method, path in (
        ("POST", "/scenarios"),
        ("PUT", f"/scenarios/{world.scenario_id}"),
        ("POST", f"/scenarios/{world.scenario_id}/validate"),
    ):
        error = error_of(world.send(method, path, text, content_type), 415)
        assert error["error"] == "unsupported_media_type"
        assert "application/yaml" in error["message"]


def test_an_upload_of_another_type_or_without_its_field_is_refused(world: World) -> None:
    """An uploaded file of another type is 415; an upload without the field ``file`` 400."""
    wrong = world.client.post(
        "/scenarios",
        files={"file": ("plan.exe", b"MZ\x90\x00", "application/octet-stream")},
        headers=bearer(world.token),
    )
    assert error_of(wrong, 415)["error"] == "unsupported_media_type"
    missing = world.client.post(
        "/scenarios",
        files={"other": ("a.yaml", b"name: x", "application/yaml")},
        headers=bearer(world.token),
    )
    assert error_of(missing, 400)["error"] == "bad_request"


def test_a_body_over_the_limit_is_413_before_it_is_read(world: World) -> None:
    """A body over the limit with its Content-Length answers 413 naming the limit, in the
    request's language, on every route that takes a body."""
    body = b"name: x\n" + b"#" * LIMIT
    for method, path in (
        ("POST", "/scenarios"),
        ("PUT", f"/scenarios/{world.scenario_id}"),
        ("POST", f"/scenarios/{world.scenario_id}/validate"),
        ("POST", f"/scenarios/{world.scenario_id}/jobs"),
    ):
        error = error_of(world.send(method, path, body, "application/yaml"), 413)
        assert error["error"] == "too_large"
        assert str(LIMIT) in error["message"] and "limit" in error["message"]


def test_a_chunked_body_over_the_limit_is_413_on_a_real_server(
    tmp_path: Path,
) -> None:
    """Sent in chunks without Content-Length to a real server on loopback, a body over
    the limit is cut off with 413 and nothing is stored; a chunked body within the limit
    is read whole (201)."""
    settings = Settings(
        data_dir=tmp_path / "data", workers=1, bootstrap=False, max_body_bytes=LIMIT
    )
    app = create_app(settings)
    with serving(app) as url:
        with app.state.engine.begin() as conn:
            token = token_store.create(conn, "planner").secret

        def chunked(payload: bytes) -> bytes:
            head = (
                "POST /scenarios HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
                f"Authorization: Bearer {token}\r\nContent-Type: application/yaml\r\n"
                "Accept-Language: en\r\nTransfer-Encoding: chunked\r\n\r\n"
            ).encode()
            pieces = [payload[i : i + 16_384] for i in range(0, len(payload), 16_384)]
            body = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces)
            return head + body + b"0\r\n\r\n"

        status, body = raw_request(url, chunked(b"name: x\n" + b"#" * (3 * LIMIT)))
        assert status == 413
        assert json.loads(body)["error"] == "too_large"
        status, body = raw_request(url, chunked(small_yaml().encode()))
        assert status == 201, body
        with app.state.engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(scenarios)).scalar() == 1


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/scenarios/999999", 404),
        ("PUT", "/scenarios/999999", 404),
        ("DELETE", "/scenarios/999999", 404),
        ("POST", "/scenarios/999999/validate", 404),
        ("GET", "/scenarios/999999/revisions/1", 404),
        ("GET", "/scenarios/999999/versions", 404),
        ("GET", "/scenarios/999999/versions/1", 404),
        ("POST", "/scenarios/999999/jobs", 404),
        ("GET", "/plans/999999", 404),
        ("GET", "/plans/999999/deliveries.csv", 404),
        ("POST", "/plans/999999/publish", 404),
        ("GET", "/jobs/999999", 404),
        ("DELETE", "/jobs/999999", 404),
        ("POST", "/jobs/999999/retry", 404),
        ("GET", f"/scenarios/{2**70}", 422),
        ("GET", f"/plans/{2**31}", 422),
        ("GET", "/jobs/99999999999999999999999999999999", 422),
        ("GET", "/scenarios/-1", 422),
        ("GET", "/scenarios/0", 422),
        ("DELETE", "/jobs/-5", 422),
        ("GET", "/scenarios/abc", 422),
        ("GET", "/plans/1.5", 422),
        ("GET", "/scenarios/1e3", 422),
        ("GET", "/scenarios/%00", 422),
        ("GET", "/scenarios/%E5%9C%BA", 422),
        ("GET", "/scenarios/1/versions/abc", 422),
        ("GET", "/jobs?scenario=-3", 422),
        ("GET", "/jobs?limit=100000", 422),
        ("GET", "/jobs?state=sleeping", 422),
    ],
)
def test_unknown_and_malformed_ids_are_404_or_422(
    world: World, method: str, path: str, status: int
) -> None:
    """An unknown id is 404 ``not_found``; a huge, negative, zero or non-numeric id (or
    query bound) is 422 naming the parameter, never a 500."""
    error = error_of(world.send(method, path), status)
    if status == 404:
        assert error["error"] == "not_found"
    else:
        assert error["error"] == "invalid_request"
        assert error["problems"] and error["problems"][0]["place"]


@pytest.mark.parametrize(
    ("body", "place"),
    [
        (b'{"time_limit": -1}', "time_limit"),
        (b'{"time_limit": 0}', "time_limit"),
        (b'{"time_limit": "long"}', "time_limit"),
        (b'{"time_limit": NaN}', "time_limit"),
        (b'{"time_limit": 1e9}', "time_limit"),
        (b'{"workers": 0}', "workers"),
        (b'{"workers": 1000}', "workers"),
        (b'{"seed": -1}', "seed"),
        (b'{"relative_gap": 2}', "relative_gap"),
        (b'{"decompose": "maybe"}', "decompose"),
        (b'{"decompose": true}', "decompose"),
        (b'{"bogus": 1}', "bogus"),
        (b"[1]", "body"),
    ],
)
def test_invalid_solve_parameters_are_422_and_start_nothing(
    world: World, body: bytes, place: str
) -> None:
    """Solve parameters out of range, of the wrong type, unknown or not an object answer
    422 naming the parameter, and no job is made."""
    before = world.send("GET", "/jobs").json()
    error = error_of(
        world.send("POST", f"/scenarios/{world.scenario_id}/jobs", body, "application/json"), 422
    )
    assert error["error"] in ("invalid_request", "invalid_params")
    assert any(p["place"].startswith(place) for p in error["problems"]), error["problems"]
    assert world.send("GET", "/jobs").json() == before


@pytest.mark.parametrize(("sent", "stored"), [("Yes", "yes"), (" NO ", "no"), ("AUTO", "auto")])
def test_decompose_takes_the_command_lines_spellings(world: World, sent: str, stored: str) -> None:
    """A job's ``decompose`` is read as ``cultplan solve --decompose`` reads it, case and
    spaces around it ignored: the job is accepted (202) with the library's value."""
    body = json.dumps({"decompose": sent, "time_limit": 1}).encode()
    response = world.send("POST", f"/scenarios/{world.scenario_id}/jobs", body, "application/json")
    assert response.status_code == 202, response.text
    assert response.json()["params"]["decompose"] == stored
    world.send("DELETE", f"/jobs/{response.json()['id']}")


#: Every route that takes a JSON body (the scenario routes take YAML too).
JSON_ROUTES = [
    ("POST", "/scenarios"),
    ("PUT", "/scenarios/{id}"),
    ("POST", "/scenarios/{id}/validate"),
    ("POST", "/scenarios/{id}/jobs"),
    ("POST", "/plans/1/publish"),
]


@pytest.mark.parametrize(("method", "path"), JSON_ROUTES)
def test_a_body_that_is_not_json_is_400_malformed_on_every_json_route(
    world: World, method: str, path: str
) -> None:
    """A JSON body with a syntax error answers the same on every route that takes JSON:
    400 ``malformed``, one problem at place ``body`` on the line of the error with the
    parser's reason, in the request's language; nothing is stored or started."""
    body = b'{"time_limit": 5,\n  nope}'
    url = path.format(id=world.scenario_id)
    jobs, stored = world.send("GET", "/jobs").json(), world.stored()
    error = error_of(world.send(method, url, body, "application/json"), 400)
    assert error == {
        "error": "malformed",
        "message": "the JSON is not well-formed",
        "problems": [
            {
                "place": "body",
                "line": 2,
                "message": "the body is not valid JSON: "
                "Expecting property name enclosed in double quotes",
            }
        ],
    }
    headers = {**bearer(world.token), "Content-Type": "application/json", "Accept-Language": "zh"}
    chinese = world.client.request(method, url, content=body, headers=headers)
    assert chinese.status_code == 400
    assert chinese.json()["message"] == "JSON 格式有误"
    assert chinese.json()["problems"][0]["message"].startswith("请求内容不是有效的 JSON：")
    assert (world.send("GET", "/jobs").json(), world.stored()) == (jobs, stored)


@pytest.mark.parametrize(("method", "path"), JSON_ROUTES[3:])
def test_a_json_body_that_is_not_utf8_is_400_malformed_saying_so(
    world: World, method: str, path: str
) -> None:
    """A JSON body of solve parameters or a publish note that is not UTF-8 (GBK, or
    bytes of no text at all) answers 400 ``malformed`` like one with a syntax error,
    the first bad byte named in the library's words (as the scenario routes name it),
    not in FastAPI's English sentence."""
    url = path.format(id=world.scenario_id)
    for raw, words in (
        ('{"note": "第一版"}'.encode("gbk"), "reads as GBK/GB18030"),
        (b'{"note": "\xff"}', "not UTF-8: byte 0xff at offset 10 (column 11)"),
    ):
        error = error_of(world.send(method, url, raw, "application/json"), 400)
        assert error["error"] == "malformed"
        assert error["message"] == "the JSON is not well-formed"
        [problem] = error["problems"]
        assert (problem["place"], problem["line"]) == ("body", 1)
        assert words in problem["message"], problem


@pytest.mark.parametrize(
    "content_type", [None, "application/x-www-form-urlencoded", "text/plain", "text/csv"]
)
@pytest.mark.parametrize(("method", "path"), JSON_ROUTES[3:])
def test_a_parameters_body_of_another_type_is_415_naming_it(
    world: World, method: str, path: str, content_type: str | None
) -> None:
    """A JSON object sent as another content type (curl's default form type, text, or
    none) to the job or publish route answers 415 naming the type received, as the
    scenario routes do, not 422 "must be a JSON object"; nothing is started."""
    url = path.format(id=world.scenario_id)
    jobs = world.send("GET", "/jobs").json()
    error = error_of(world.send(method, url, b'{"seed": 1}', content_type), 415)
    assert error["error"] == "unsupported_media_type"
    assert error["message"] == (
        f"this body is sent as application/json, not {content_type or '(no Content-Type)'}"
    )
    headers = {**bearer(world.token), "Accept-Language": "zh"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    chinese = world.client.request(method, url, content=b'{"seed": 1}', headers=headers)
    assert_chinese(
        error_of(chinese, 415)["message"],
        names=[content_type or "Content-Type"],
        allowed=["application/json", content_type or "Content-Type"],
    )
    assert world.send("GET", "/jobs").json() == jobs


@pytest.mark.parametrize(("method", "path"), JSON_ROUTES)
def test_json_nested_past_the_limit_is_400_malformed_in_the_requests_language(
    world: World, method: str, path: str
) -> None:
    """A JSON body nested past the library's limit (5,000 ``[``, past Python's recursion
    limit too) answers 400 ``malformed`` on every JSON route with the limit in the
    request's language, at place ``body`` on the job and publish routes."""
    url = path.format(id=world.scenario_id)
    headers = {**bearer(world.token), "Content-Type": "application/json", "Accept-Language": "zh"}
    for body in (b"[" * 5000, b'{"note": ' + b"[" * 40 + b"]" * 40 + b"}"):
        error = error_of(world.client.request(method, url, content=body, headers=headers), 400)
        assert error["error"] == "malformed"
        assert [p["message"] for p in error["problems"]] == ["嵌套层数超过上限 32 层"]
        if "scenarios" not in url or url.endswith("/jobs"):
            assert error["problems"][0]["place"] == "body"
            assert error["message"] == "JSON 格式有误"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-16-le"])
@pytest.mark.parametrize(("method", "path"), JSON_ROUTES)
def test_a_utf16_json_body_is_refused_on_every_route(
    world: World, method: str, path: str, encoding: str
) -> None:
    """A JSON body in UTF-16 (with its byte order mark, or without) is refused with 400
    ``malformed`` naming the encoding or the bad byte on every route that takes JSON,
    the scenario routes and the job and publish routes alike; nothing is started."""
    url = path.format(id=world.scenario_id)
    raw = ("\ufeff" if encoding != "utf-16" else "") + '{"note": "第一版"}'
    jobs, stored = world.send("GET", "/jobs").json(), world.stored()
    error = error_of(world.send(method, url, raw.encode(encoding), "application/json"), 400)
    assert error["error"] == "malformed"
    words = " ".join([error["message"], *(p["message"] for p in error["problems"])])
    assert "UTF-16" in words, words
    assert (world.send("GET", "/jobs").json(), world.stored()) == (jobs, stored)


def test_a_body_that_is_not_json_is_400_on_a_real_server(tmp_path: Path) -> None:
    """Over a real HTTP connection on loopback, broken JSON solve parameters answer 400
    ``malformed`` naming the line, well-formed ones sent as curl's default form type 415
    naming that type, and no job is made."""
    settings = Settings(data_dir=tmp_path / "data", workers=1, bootstrap=False)
    app = create_app(settings)
    with serving(app) as url:
        with app.state.engine.begin() as conn:
            token = token_store.create(conn, "planner").secret
        head = f"Authorization: Bearer {token}\r\nAccept-Language: en\r\nConnection: close\r\n"
        status, body = raw_request(
            url,
            (
                f"POST /scenarios HTTP/1.1\r\nHost: test\r\n{head}"
                f"Content-Type: application/yaml\r\nContent-Length: {len(small_yaml().encode())}"
                "\r\n\r\n"
            ).encode()
            + small_yaml().encode(),
        )
        assert status == 201, body
        scenario_id = json.loads(body)["id"]
        broken = b'{"seed": 1,\n "workers": 2,\n}'
        status, body = raw_request(
            url,
            (
                f"POST /scenarios/{scenario_id}/jobs HTTP/1.1\r\nHost: test\r\n{head}"
                f"Content-Type: application/json\r\nContent-Length: {len(broken)}\r\n\r\n"
            ).encode()
            + broken,
        )
        assert status == 400, body
        error = json.loads(body)
        assert error["error"] == "malformed"
        assert [(p["place"], p["line"]) for p in error["problems"]] == [("body", 3)]
        form = b'{"seed": 1}'
        status, body = raw_request(
            url,
            (
                f"POST /scenarios/{scenario_id}/jobs HTTP/1.1\r\nHost: test\r\n{head}"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(form)}\r\n\r\n"
            ).encode()
            + form,
        )
        assert status == 415, body
        assert "application/x-www-form-urlencoded" in json.loads(body)["message"]
        with app.state.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM jobs")).scalar() == 0


def test_an_over_long_publish_note_is_422(world: World) -> None:
    """A publish note above its bound is refused before any plan is looked up."""
    response = world.send(
        "POST", "/plans/1/publish", json.dumps({"note": "x" * 5000}).encode(), "application/json"
    )
    assert error_of(response, 422)["problems"][0]["place"] == "note"


def test_an_unknown_publish_field_is_422_naming_it_as_on_the_jobs_route(world: World) -> None:
    """A publish body with a field the route does not take (``notes`` for ``note``) is
    refused with 422 naming that field, as the jobs route refuses one, instead of
    publishing without the note; in Chinese too."""
    for path in ("/plans/1/publish", f"/scenarios/{world.scenario_id}/jobs"):
        response = world.send("POST", path, b'{"notes": "first"}', "application/json")
        error = error_of(response, 422)
        assert error["error"] == "invalid_request"
        assert error["problems"] == [
            {"place": "notes", "line": None, "message": "there is no such field"}
        ]
        headers = {**bearer(world.token), "Content-Type": "application/json"}
        chinese = world.client.post(
            path, content=b'{"notes": "first"}', headers={**headers, "Accept-Language": "zh"}
        )
        assert error_of(chinese, 422)["problems"][0]["message"] == "没有这个字段"


def test_a_solved_plan_is_published_through_the_body_reader(world: World) -> None:
    """A plan the service solved is published through the route from a JSON body sent
    as UTF-8 bytes with a charset (201, its Chinese note kept, the version listed); an
    empty body publishes without a note. The bodies the other tests send to a plan the
    service does not have are refused on this real plan too (400, 422, 415: the body's
    fault, not a missing plan's) and publish nothing."""
    sid, plan_id = stored_plan(world.app.state.engine)
    url = f"/plans/{plan_id}/publish"
    for body, content_type, status in (
        ('{"note": "第一版"}'.encode("gbk"), "application/json", 400),
        (b'{"note": ', "application/json", 400),
        (b'{"notes": "first"}', "application/json", 422),
        (b'{"note": "first"}', "application/x-www-form-urlencoded", 415),
    ):
        error_of(world.send("POST", url, body, content_type), status)
    assert world.send("GET", f"/scenarios/{sid}/versions").json() == []
    body = '{"note": "春季第一版"}'.encode()
    response = world.send("POST", url, body, "application/json; charset=utf-8")
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/scenarios/{sid}/versions/1"
    version = response.json()
    assert (version["number"], version["plan_id"], version["note"]) == (1, plan_id, "春季第一版")
    again = world.send("POST", url, b"", "application/json")
    assert again.status_code == 201, again.text
    listed = world.send("GET", f"/scenarios/{sid}/versions").json()
    assert [(v["number"], v["plan_id"], v["note"]) for v in listed] == [
        (1, plan_id, "春季第一版"),
        (2, plan_id, None),
    ]


def test_a_chunked_json_body_over_the_limit_is_413_in_the_requests_language(
    client: TestClient, planner_token: str
) -> None:
    """A JSON body sent in chunks (no Content-Length) past the limit to a route whose
    body FastAPI parses (``POST /plans/{id}/publish``) is refused with 413 and the
    service's error body, not FastAPI's English 400, in the request's language."""

    def pieces() -> Iterator[bytes]:
        yield b'{"note": "'
        for _ in range(3 * LIMIT // 16_384 + 1):
            yield b"x" * 16_384
        yield b'"}'

    for language, word in (("en", "limit"), ("zh-CN", "上限")):
        response = client.post(
            "/plans/1/publish",
            content=pieces(),
            headers={
                **bearer(planner_token),
                "Content-Type": "application/json",
                "Accept-Language": language,
            },
        )
        assert "content-length" not in response.request.headers
        assert response.status_code == 413, response.text
        body = response.json()
        assert body["error"] == "too_large" and body["problems"] == []
        assert str(LIMIT) in body["message"] and word in body["message"]


#: Requests with bad parameters of each common kind, and the places they name.
CHINESE_CASES = [
    (
        "POST",
        "/scenarios/{id}/jobs",
        b'{"time_limit": 0, "workers": "many"}',
        ["time_limit", "workers"],
    ),
    (
        "POST",
        "/scenarios/{id}/jobs",
        b'{"seed": 1.5, "relative_gap": 2, "log": true}',
        ["seed", "relative_gap", "log"],
    ),
    ("POST", "/scenarios/{id}/jobs", b"[1]", ["body"]),
    ("GET", "/jobs?limit=0&state=sleeping", None, ["limit", "state"]),
    ("GET", "/jobs?limit=x", None, ["limit"]),
    ("GET", "/scenarios/0", None, ["scenario_id"]),
    ("POST", "/plans/1/publish", b'{"note": "' + b"x" * 5000 + b'"}', ["note"]),
]


@pytest.mark.parametrize(("method", "path", "body", "places"), CHINESE_CASES)
def test_request_problems_are_in_chinese_and_name_the_parameter(
    world: World, method: str, path: str, body: bytes | None, places: list[str]
) -> None:
    """Asked in Chinese, every problem of a request with bad parameters (out of range, of
    the wrong type, unknown, not JSON, not an object) says what is wrong in Chinese, with
    its bound, and names the parameter as the planner wrote it (``time_limit``, not
    ``body.time_limit``), the same for a body, a query or a path."""
    headers = {**bearer(world.token), "Accept-Language": "zh-CN"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    response = world.client.request(
        method, path.format(id=world.scenario_id), content=body, headers=headers
    )
    error = error_of(response, 422)
    assert error["error"] == "invalid_request"
    assert sorted(p["place"] for p in error["problems"]) == sorted(places)
    assert_chinese(error["message"])
    for problem in error["problems"]:
        assert_chinese(
            problem["message"],
            allowed=[
                "JSON",
                "Expecting",
                "value",
                "property",
                "name",
                "enclosed",
                "in",
                "double",
                "quotes",
            ],
        )
        assert "Input should" not in problem["message"]


def test_bounds_are_given_in_the_message(world: World) -> None:
    """A bound a value breaks is in its message, written as people write it (``0``, not
    ``0.0``); in English the texts are the catalogue's too."""
    response = world.send(
        "POST", f"/scenarios/{world.scenario_id}/jobs", b'{"time_limit": 0}', "application/json"
    )
    assert error_of(response, 422)["problems"][0]["message"] == "must be greater than 0"
    headers = {**bearer(world.token), "Accept-Language": "zh-CN"}
    response = world.client.get("/jobs?limit=100000", headers=headers)
    assert error_of(response, 422)["problems"][0]["message"] == "不能大于 500"


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("GET", "/nothing-here", "not_found"),
        ("DELETE", "/healthz", "method_not_allowed"),
    ],
)
def test_unknown_routes_and_methods_answer_in_chinese(
    world: World, method: str, path: str, code: str
) -> None:
    """An unknown address (404) and a method an address does not take (405) answer the
    error body in the request's language, not Starlette's English phrase."""
    headers = {**bearer(world.token), "Accept-Language": "zh-CN"}
    error = error_of(world.client.request(method, path, headers=headers), (404, 405))
    assert error["error"] == code
    assert_chinese(error["message"], allowed=[method])
