"""Scenarios over HTTP: create from YAML, JSON or an upload, list, get with revisions,
update as a new revision, validate with located problems, delete (409 while published)."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.db import versions as version_store
from api.db.engine import writing
from tests.api.conftest import bearer, both_databases
from tests.api.support import small_json, small_yaml, stored_plan

YAML = {"Content-Type": "application/yaml"}
JSON = {"Content-Type": "application/json"}


def _create(
    client: TestClient, token: str, text: str, content_type: str = "application/yaml"
) -> dict:
    response = client.post(
        "/scenarios", content=text.encode(), headers={**bearer(token), "Content-Type": content_type}
    )
    assert response.status_code == 201, response.text
    return response.json()


@both_databases
def test_create_from_yaml_keeps_the_text_verbatim(client: TestClient, planner_token: str) -> None:
    """A YAML body becomes revision 1; its text is served back byte for byte."""
    text = "# 春季试点\n" + small_yaml()
    created = _create(client, planner_token, text)
    assert created["current_revision"] == 1
    assert [r["revision"] for r in created["revisions"]] == [1]
    back = client.get(f"/scenarios/{created['id']}/revisions/1", headers=bearer(planner_token))
    assert back.status_code == 200
    assert back.text == text
    assert back.headers["content-type"].startswith("application/yaml")


def test_create_from_json_and_from_an_upload(client: TestClient, planner_token: str) -> None:
    """A JSON body and a multipart upload (field ``file``) are both accepted."""
    from_json = _create(client, planner_token, small_json(), "application/json")
    upload = client.post(
        "/scenarios",
        files={"file": ("spring.yaml", small_yaml(3).encode(), "application/octet-stream")},
        headers=bearer(planner_token),
    )
    assert upload.status_code == 201, upload.text
    listed = client.get("/scenarios", headers=bearer(planner_token)).json()
    assert [s["id"] for s in listed] == [from_json["id"], upload.json()["id"]]
    assert upload.headers["location"] == f"/scenarios/{upload.json()['id']}"


@both_databases
def test_update_adds_a_revision_and_keeps_the_old_one(
    client: TestClient, planner_token: str
) -> None:
    """PUT stores the text as revision 2; revision 1 still reads as it was."""
    first = small_yaml(2, name="第一版")
    created = _create(client, planner_token, first)
    second = small_yaml(3, name="第二版")
    updated = client.put(
        f"/scenarios/{created['id']}",
        content=second.encode(),
        headers={**bearer(planner_token), **YAML},
    )
    assert updated.status_code == 200, updated.text
    body = updated.json()
    assert body["current_revision"] == 2 and body["name"] == "第二版"
    assert [r["revision"] for r in body["revisions"]] == [1, 2]
    old = client.get(f"/scenarios/{created['id']}/revisions/1", headers=bearer(planner_token))
    assert old.text == first


def test_invalid_scenario_lists_every_located_problem(
    client: TestClient, planner_token: str
) -> None:
    """A scenario with two bad references answers 422 with both problems, placed and
    lined, in the library's words; nothing is stored."""
    text = (
        small_yaml()
        .replace("committee: C1", "committee: C9")
        .replace("committee: C2", "committee: C8")
    )
    response = client.post(
        "/scenarios", content=text.encode(), headers={**bearer(planner_token), **YAML}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_scenario"
    places = [p["place"] for p in body["problems"]]
    assert len(places) >= 2 and all(p.startswith("demand[") for p in places)
    assert all(p["line"] for p in body["problems"])
    assert "C9" in body["message"] and "C8" in body["message"]
    assert client.get("/scenarios", headers=bearer(planner_token)).json() == []


def test_problems_are_in_chinese_by_default(client: TestClient, planner_token: str) -> None:
    """Without ``Accept-Language`` the library's messages come in Chinese."""
    text = small_yaml().replace("committee: C1", "committee: C9")
    response = client.post(
        "/scenarios",
        content=text.encode(),
        headers={**bearer(planner_token), **YAML, "Accept-Language": ""},
    )
    assert response.status_code == 422
    assert "问题" in response.json()["message"]


def test_malformed_yaml_and_json_are_400(client: TestClient, planner_token: str) -> None:
    """A YAML syntax error, broken JSON and a JSON list are 400 ``malformed``, located."""
    cases = [
        ("name: [unclosed\n", "application/yaml"),
        ('{"name": ', "application/json"),
        ("[1, 2]", "application/json"),
    ]
    for text, content_type in cases:
        response = client.post(
            "/scenarios",
            content=text.encode(),
            headers={**bearer(planner_token), "Content-Type": content_type},
        )
        assert response.status_code == 400, (text, response.text)
        assert response.json()["error"] == "malformed"


def test_wrong_content_type_is_415(client: TestClient, planner_token: str) -> None:
    """A body that is neither YAML, JSON nor an upload is refused with 415."""
    response = client.post(
        "/scenarios",
        content=b"<xml/>",
        headers={**bearer(planner_token), "Content-Type": "application/xml"},
    )
    assert response.status_code == 415
    assert response.json()["error"] == "unsupported_media_type"


def test_not_utf8_is_400(client: TestClient, planner_token: str) -> None:
    """A GBK-encoded body is refused with 400, not a 500."""
    response = client.post(
        "/scenarios", content="name: 测试".encode("gbk"), headers={**bearer(planner_token), **YAML}
    )
    assert response.status_code == 400


def test_validate_a_text_and_the_current_revision(client: TestClient, planner_token: str) -> None:
    """``validate`` checks the body as a would-be revision (422 with problems, nothing
    stored) or, without a body, the current revision (200 with a summary)."""
    created = _create(client, planner_token, small_yaml())
    url = f"/scenarios/{created['id']}/validate"
    ok = client.post(url, headers=bearer(planner_token))
    assert ok.status_code == 200, ok.text
    assert ok.json()["valid"] is True and ok.json()["committees"] == 2
    bad = client.post(
        url,
        content=small_yaml().replace("committee: C1", "committee: C9").encode(),
        headers={**bearer(planner_token), **YAML},
    )
    assert bad.status_code == 422
    assert bad.json()["problems"]
    detail = client.get(f"/scenarios/{created['id']}", headers=bearer(planner_token)).json()
    assert detail["current_revision"] == 1


def test_unknown_ids_are_404(client: TestClient, planner_token: str) -> None:
    """Unknown scenario, revision, plan and version ids answer 404 with the error body."""
    for url in (
        "/scenarios/999",
        "/scenarios/999/revisions/1",
        "/plans/999",
        "/scenarios/999/versions/1",
    ):
        response = client.get(url, headers=bearer(planner_token))
        assert response.status_code == 404, url
        assert response.json()["error"] == "not_found"
    huge = client.get(f"/scenarios/{2**70}", headers=bearer(planner_token))
    assert huge.status_code == 422


@both_databases
def test_delete_is_refused_while_a_version_is_published(
    app: FastAPI, client: TestClient, planner_token: str
) -> None:
    """A scenario with a published version cannot be deleted (409); one without can (204),
    and is gone afterwards (404)."""
    engine: sa.Engine = app.state.engine
    published, plan_id = stored_plan(engine)
    with writing(engine) as conn:
        version_store.publish(conn, published, plan_id)
    refused = client.delete(f"/scenarios/{published}", headers=bearer(planner_token))
    assert refused.status_code == 409
    assert refused.json()["error"] == "published"
    assert client.get(f"/scenarios/{published}", headers=bearer(planner_token)).status_code == 200
    other = _create(client, planner_token, small_yaml())
    assert (
        client.delete(f"/scenarios/{other['id']}", headers=bearer(planner_token)).status_code == 204
    )
    assert client.get(f"/scenarios/{other['id']}", headers=bearer(planner_token)).status_code == 404


@both_databases
def test_the_id_of_a_deleted_scenario_is_never_given_again(
    client: TestClient, planner_token: str
) -> None:
    """After the newest scenario is deleted, the next one gets a new id, not the deleted
    one's (a link or a token naming the old scenario never names another)."""
    first = _create(client, planner_token, small_yaml())
    newest = _create(client, planner_token, small_yaml())
    deleted = client.delete(f"/scenarios/{newest['id']}", headers=bearer(planner_token))
    assert deleted.status_code == 204
    following = _create(client, planner_token, small_yaml())
    assert following["id"] not in (first["id"], newest["id"])
    assert following["id"] > newest["id"]
