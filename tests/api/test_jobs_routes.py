"""Tests of the solve-job routes through the app (in-process HTTP client, the app's
lifespan with its real pool of worker processes, a real SQLite file)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import sqlalchemy as sa
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.db.engine import make_engine
from api.db.migrate import upgrade
from api.jobs import store
from api.settings import Settings
from planner import wording
from planner.i18n import _, use_language
from tests.api.conftest import bearer, both_databases
from tests.api.jobs_support import LONG_PARAMS, QUICK_PARAMS, reference_yaml, tiny_yaml, wait_for
from tests.api.live import serving
from tests.factories import two_level_data


def create_scenario(client: TestClient, token: str, text: str) -> int:
    """Create a scenario from YAML through the API; return its id."""
    response = client.post(
        "/scenarios",
        content=text.encode(),
        headers={**bearer(token), "Content-Type": "application/yaml"},
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def start(client: TestClient, token: str, scenario_id: int, params: dict[str, Any]) -> Any:
    """POST a job; return the response."""
    return client.post(f"/scenarios/{scenario_id}/jobs", json=params, headers=bearer(token))


def get_job(client: TestClient, token: str, job_id: int, **headers: str) -> dict[str, Any]:
    """GET a job's body."""
    response = client.get(f"/jobs/{job_id}", headers={**bearer(token), **headers})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def ended(client: TestClient, token: str, job_id: int, timeout: float = 60) -> dict[str, Any]:
    """Poll a job until it ends; return its body."""
    return wait_for(
        lambda: (b := get_job(client, token, job_id))["state"] in store.END_STATES and b,
        timeout,
        f"job {job_id} to end",
    )


@both_databases
def test_a_job_is_accepted_solved_and_its_plan_readable(
    client: TestClient, planner_token: str, analyst_token: str
) -> None:
    """POST answers 202 with the queued job and its Location; the job finishes with a
    plan that the plan routes serve; an analyst reads the job; a DELETE after the end
    answers 409 `ended` and leaves the job finished with its plan."""
    scenario_id = create_scenario(client, planner_token, tiny_yaml())
    response = start(client, planner_token, scenario_id, QUICK_PARAMS)
    assert response.status_code == 202, response.text
    body = response.json()
    assert response.headers["Location"] == f"/jobs/{body['id']}"
    assert body["state"] in ("queued", "running")
    assert (body["scenario_id"], body["revision"], body["params"]) == (scenario_id, 1, QUICK_PARAMS)
    assert body["message"] is None  # nothing to say before the solve ends
    done = ended(client, analyst_token, body["id"])
    assert done["state"] == "finished" and done["error"] is None and not done["retryable"]
    # How the solve ended, as the command line says it, in the service's language.
    with use_language("zh_CN"):
        assert done["message"] == _("proven optimal")
    progress = done["progress"]
    assert progress["stage"] == "done" and progress["phase"] == "done"
    assert progress["coverage"] > 0 and progress["elapsed"] >= 0
    deliveries = client.get(f"/plans/{done['plan_id']}/deliveries", headers=bearer(analyst_token))
    assert deliveries.status_code == 200 and deliveries.json()
    late = client.delete(f"/jobs/{body['id']}", headers=bearer(planner_token))
    assert late.status_code == 409 and late.json()["error"] == "ended", late.text
    after = get_job(client, planner_token, body["id"])
    assert (after["state"], after["plan_id"], after["cancel_requested"]) == (
        "finished",
        done["plan_id"],
        False,
    )


def test_the_api_answers_while_a_solve_runs_and_a_cancel_keeps_its_plan(
    client: TestClient, planner_token: str
) -> None:
    """While a long solve runs, /healthz and the job's live progress (phase in words,
    coverage, objective, bound, gap) answer; DELETE asks it to stop (202) and it ends
    cancelled with its best plan kept and readable."""
    scenario_id = create_scenario(client, planner_token, reference_yaml())
    job_id = start(client, planner_token, scenario_id, LONG_PARAMS).json()["id"]
    live = wait_for(
        lambda: (
            (b := get_job(client, planner_token, job_id))["progress"]["objective"] is not None
            and b["state"] == "running"
            and b
        ),
        60,
        "live progress",
    )
    assert client.get("/healthz").json() == {"status": "ok", "pool": "alive"}
    progress = live["progress"]
    assert progress["stage"] in ("primary", "secondary", "fairness", "leximin")
    assert progress["phase"] in ("solving", "refining", "solving (fairness first)")
    assert 0 < progress["coverage"] <= 1 and progress["bound"] is not None
    assert progress["gap"] is not None and progress["elapsed"] > 0
    chinese = get_job(client, planner_token, job_id, **{"Accept-Language": "zh-CN"})
    assert chinese["progress"]["phase"] not in ("solving", "refining")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese["progress"]["phase"])
    response = client.delete(f"/jobs/{job_id}", headers=bearer(planner_token))
    assert response.status_code == 202, response.text
    assert response.json()["cancel_requested"] is True
    done = ended(client, planner_token, job_id, 45)
    assert done["state"] == "cancelled" and done["retryable"] and done["plan_id"] is not None
    plan = client.get(f"/plans/{done['plan_id']}", headers=bearer(planner_token)).json()
    assert plan["stop_reason"] == "stopped" and plan["job_id"] == job_id
    again = client.delete(f"/jobs/{job_id}", headers=bearer(planner_token))
    assert again.status_code == 409 and again.json()["error"] == "ended"


def test_a_queued_job_is_cancelled_at_once_and_retried(
    client: TestClient, planner_token: str
) -> None:
    """With the only worker busy, a second job waits: DELETE cancels it at once (200, no
    plan); its retry is a new queued job naming it, run once the worker is free."""
    long_id = start(
        client, planner_token, create_scenario(client, planner_token, reference_yaml()), LONG_PARAMS
    ).json()["id"]
    wait_for(lambda: get_job(client, planner_token, long_id)["state"] == "running", 60, "a run")
    tiny = create_scenario(client, planner_token, tiny_yaml())
    waiting = start(client, planner_token, tiny, QUICK_PARAMS).json()["id"]
    assert get_job(client, planner_token, waiting)["state"] == "queued"
    response = client.delete(f"/jobs/{waiting}", headers=bearer(planner_token))
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["error"], body["plan_id"]) == ("cancelled", "stopped", None)
    retried = client.post(f"/jobs/{waiting}/retry", headers=bearer(planner_token))
    assert retried.status_code == 202
    new = retried.json()
    assert retried.headers["Location"] == f"/jobs/{new['id']}"
    assert (new["state"], new["retry_of"], new["params"]) == ("queued", waiting, QUICK_PARAMS)
    assert client.delete(f"/jobs/{long_id}", headers=bearer(planner_token)).status_code == 202
    assert ended(client, planner_token, new["id"])["state"] == "finished"


def test_a_split_jobs_message_and_part_reports_are_served_over_http(
    settings: Settings,
) -> None:
    """Over a real HTTP server on loopback, a job solved subdistrict by subdistrict ends
    with the solve's message, the line the command line prints for the result (how many
    subdistricts were planned, how the plan ended), in the service's language, in
    ``GET /jobs/{id}`` and in the job list; its plan's KPIs give one report per part with
    the subdistrict's id and name."""
    settings = settings.model_copy(update={"language": "en"})
    app = create_app(settings)
    text = yaml.safe_dump(two_level_data(), allow_unicode=True, sort_keys=False)
    with serving(app) as url, httpx.Client(base_url=url, timeout=30) as http:
        auth = bearer(_planner(app))
        created = http.post(
            "/scenarios", content=text.encode(), headers={**auth, "Content-Type": "text/yaml"}
        )
        assert created.status_code == 201, created.text
        params = {**QUICK_PARAMS, "decompose": "yes"}
        job_id = http.post(
            f"/scenarios/{created.json()['id']}/jobs", json=params, headers=auth
        ).json()["id"]
        done = wait_for(
            lambda: (
                (b := http.get(f"/jobs/{job_id}", headers=auth).json())["state"] in store.END_STATES
                and b
            ),
            60,
            "the split job to end",
        )
        assert (done["state"], done["error"]) == ("finished", None), done
        assert done["message"].startswith(
            "planned subdistrict by subdistrict (2 subdistricts, the shared resources"
        ), done["message"]
        listed = http.get("/jobs", headers=auth).json()
        assert [j["message"] for j in listed] == [done["message"]]
        assert done["notes"] == []  # split as asked: nothing to say
        kpis = http.get(f"/plans/{done['plan_id']}/kpis", headers=auth).json()
        parts = kpis["stats"]["parts"]
        assert [(p["subdistrict_id"], p["area"]) for p in parts] == [
            ("SA", "甲街道"),
            ("SB", "乙街道"),
        ]


def test_decompose_yes_on_a_scenario_that_cannot_be_split_notes_it_over_http(
    settings: Settings,
) -> None:
    """Over a real HTTP server on loopback, a job with ``decompose: yes`` on a scenario of
    one subdistrict finishes solved whole with a note saying so, the command line's
    catalogue text naming the job's setting, in the request's language (English,
    Chinese); the same job with ``decompose: auto`` has no note."""
    app = create_app(settings)
    with serving(app) as url, httpx.Client(base_url=url, timeout=30) as http:
        auth = bearer(_planner(app))
        created = http.post(
            "/scenarios",
            content=tiny_yaml().encode(),
            headers={**auth, "Content-Type": "application/yaml"},
        )
        scenario_id = created.json()["id"]
        ids = {
            mode: http.post(
                f"/scenarios/{scenario_id}/jobs",
                json={**QUICK_PARAMS, "decompose": mode},
                headers=auth,
            ).json()["id"]
            for mode in ("yes", "auto")
        }

        def read(job_id: int, language: str) -> dict[str, Any]:
            headers = {**auth, "Accept-Language": language}
            body: dict[str, Any] = http.get(f"/jobs/{job_id}", headers=headers).json()
            return body

        def all_finished() -> bool:
            return all(read(job_id, "en")["state"] == "finished" for job_id in ids.values())

        wait_for(all_finished, 60, "both jobs to finish")
        english, chinese = read(ids["yes"], "en"), read(ids["yes"], "zh-CN")
        assert english["plan_id"] is not None and english["message"]
        for body, language in ((english, "en"), (chinese, "zh_CN")):
            with use_language(language):
                expected = _(wording.NOT_SPLITTABLE).format(setting='"decompose": "yes"')
            assert body["notes"] == [expected]
        assert english["notes"][0].startswith('"decompose": "yes": the scenario is not split')
        assert chinese["notes"][0].startswith('"decompose": "yes"：场景未拆分')
        assert read(ids["auto"], "en")["notes"] == []


def test_parameters_are_checked_against_the_settings(
    client: TestClient, planner_token: str
) -> None:
    """Parameters beyond the service's bounds, unknown or ill-typed answer 422 with the
    parameter named; no job is made."""
    scenario_id = create_scenario(client, planner_token, tiny_yaml())
    too_long = start(client, planner_token, scenario_id, {"time_limit": 99_999})
    assert too_long.status_code == 422
    body = too_long.json()
    assert body["error"] == "invalid_params"
    assert [p["place"] for p in body["problems"]] == ["time_limit"]
    many = start(client, planner_token, scenario_id, {"workers": 64, "time_limit": 7200})
    assert [p["place"] for p in many.json()["problems"]] == ["time_limit", "workers"]
    for bad in (
        {"seed": -1},
        {"gap": 0.1},
        {"relative_gap": 2},
        {"log": True},
        {"workers": 0},
        {"decompose": "maybe"},
    ):
        response = start(client, planner_token, scenario_id, bad)
        assert response.status_code == 422, bad
        assert response.json()["error"] == "invalid_request"
    listed = client.get("/jobs", headers=bearer(planner_token)).json()
    assert listed == []


def test_every_parameter_problem_is_listed_at_once_with_the_services_bounds(
    client: TestClient, planner_token: str
) -> None:
    """Parameters beyond the service's bounds and beyond the library's are named in one
    answer (not the library's first, the service's on the next try), each with its
    bound, in the request's language; no job is made."""
    scenario_id = create_scenario(client, planner_token, tiny_yaml())
    bad = {"time_limit": 99_999, "workers": 10, "seed": 3_000_000_000}
    response = start(client, planner_token, scenario_id, bad)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_request"
    assert body["problems"] == [
        {
            "place": "time_limit",
            "line": None,
            "message": "at most 3600 s on this service, not 99999",
        },
        {"place": "seed", "line": None, "message": "must be at most 2147483647"},
        {"place": "workers", "line": None, "message": "at most 8 on this service, not 10"},
    ]
    headers = {**bearer(planner_token), "Accept-Language": "zh-CN"}
    chinese = client.post(f"/scenarios/{scenario_id}/jobs", json=bad, headers=headers).json()
    assert [p["place"] for p in chinese["problems"]] == ["time_limit", "seed", "workers"]
    with use_language("zh_CN"):
        expected = _("at most {limit} on this service, not {value}").format(limit=8, value=10)
    assert chinese["problems"][2]["message"] == expected != body["problems"][2]["message"]
    assert client.get("/jobs", headers=bearer(planner_token)).json() == []


def test_booleans_are_not_numbers(client: TestClient, planner_token: str) -> None:
    """``true`` and ``false`` are refused for every numeric parameter (not taken as 1 or
    0), each named at once; no job is made."""
    scenario_id = create_scenario(client, planner_token, tiny_yaml())
    bad = {"workers": True, "seed": False, "time_limit": True, "relative_gap": False}
    response = start(client, planner_token, scenario_id, bad)
    assert response.status_code == 422
    problems = {p["place"]: p["message"] for p in response.json()["problems"]}
    assert problems == {
        "time_limit": "must be a number",
        "relative_gap": "must be a number",
        "seed": "must be a whole number",
        "workers": "must be a whole number",
    }
    assert client.get("/jobs", headers=bearer(planner_token)).json() == []


def test_the_decompose_field_is_the_librarys() -> None:
    """A job's ``decompose`` takes exactly the library's values, with its default."""
    import typing

    from api.routes.jobs import JobIn
    from planner.params import DECOMPOSE, SolveParams

    field = JobIn.model_fields["decompose"]
    assert typing.get_args(field.annotation) == tuple(DECOMPOSE)
    assert field.default == SolveParams.decompose


def test_progress_of_a_split_solve_is_stored_and_shown_with_its_counts() -> None:
    """A progress report of the parts stage is stored with its counts, and a job row
    shows them, with the phase saying how many subdistricts are done; other stages
    carry no counts."""
    from api.jobs.worker import progress_json
    from api.routes.jobs import job_out
    from planner.i18n import use_language
    from planner.params import Progress

    stored = progress_json(Progress("parts", 12.5, 100.0, None, 0.64, 0.41, 3, 12))
    assert (stored["stage"], stored["parts_done"], stored["parts"]) == ("parts", 3, 12)
    assert progress_json(Progress("primary", 1.0, None, None))["parts"] is None
    row = {
        "id": 1, "scenario_id": 1, "revision": 1, "state": "running", "params": {},
        "progress": stored, "cancel_requested": False, "error": None, "message": None,
        "notes": None, "retry_of": None,
        "created_at": dt.datetime(2027, 3, 1, tzinfo=dt.UTC),
        "started_at": dt.datetime(2027, 3, 1, tzinfo=dt.UTC), "finished_at": None,
    }  # fmt: skip
    with use_language("zh_CN"):
        shown = job_out(row, None).progress
    assert (shown.parts_done, shown.parts) == (3, 12)
    assert shown.phase == "按街道逐个求解（已完成 3/12 个街道）"


def test_a_job_without_a_body_takes_the_services_defaults(
    client: TestClient, planner_token: str, settings: Settings
) -> None:
    """POST without a body queues a job with the service's time limit and the library's
    other defaults."""
    scenario_id = create_scenario(client, planner_token, tiny_yaml())
    response = client.post(f"/scenarios/{scenario_id}/jobs", headers=bearer(planner_token))
    assert response.status_code == 202, response.text
    assert response.json()["params"] == {
        "time_limit": settings.solve_time_limit,
        "seed": 0,
        "workers": 2,
        "relative_gap": 0.005,
        "decompose": "auto",
    }
    assert ended(client, planner_token, response.json()["id"])["state"] == "finished"


def test_unknown_ids_answer_404(client: TestClient, planner_token: str) -> None:
    """An unknown scenario, revision or job answers 404 with the error body."""
    assert start(client, planner_token, 999, {}).status_code == 404
    scenario_id = create_scenario(client, planner_token, tiny_yaml())
    response = client.post(
        f"/scenarios/{scenario_id}/jobs?revision=7", json={}, headers=bearer(planner_token)
    )
    assert response.status_code == 404 and response.json()["error"] == "not_found"
    for method, path in (
        ("GET", "/jobs/999"),
        ("DELETE", "/jobs/999"),
        ("POST", "/jobs/999/retry"),
    ):
        response = client.request(method, path, headers=bearer(planner_token))
        assert response.status_code == 404, (method, path)


def test_who_may_do_what_with_jobs(
    client: TestClient,
    planner_token: str,
    analyst_token: str,
    committee_token: str,
) -> None:
    """Planners start, cancel and retry; analysts read (403 on writes); a committee token
    gets 403 on writes and 404 on reads (it learns nothing of jobs); no token 401."""
    scenario_id = create_scenario(client, planner_token, tiny_yaml())
    job_id = start(client, planner_token, scenario_id, QUICK_PARAMS).json()["id"]
    writes = (
        ("POST", f"/scenarios/{scenario_id}/jobs"),
        ("DELETE", f"/jobs/{job_id}"),
        ("POST", f"/jobs/{job_id}/retry"),
    )
    reads = (("GET", "/jobs"), ("GET", f"/jobs/{job_id}"))
    for method, path in writes:
        assert client.request(method, path, headers=bearer(analyst_token)).status_code == 403
    for method, path in reads:
        assert client.request(method, path, headers=bearer(analyst_token)).status_code == 200
    for method, path in writes:
        assert client.request(method, path, headers=bearer(committee_token)).status_code == 403
    for method, path in reads:
        assert client.request(method, path, headers=bearer(committee_token)).status_code == 404
    for method, path in writes + reads:
        assert client.request(method, path).status_code == 401
    ended(client, planner_token, job_id)


def test_jobs_are_listed_by_scenario_and_state(client: TestClient, planner_token: str) -> None:
    """GET /jobs lists newest first and filters by scenario and state."""
    one = create_scenario(client, planner_token, tiny_yaml())
    two = create_scenario(client, planner_token, tiny_yaml())
    a = start(client, planner_token, one, QUICK_PARAMS).json()["id"]
    b = start(client, planner_token, two, QUICK_PARAMS).json()["id"]
    ended(client, planner_token, a)
    ended(client, planner_token, b)
    listed = client.get("/jobs", headers=bearer(planner_token)).json()
    assert [j["id"] for j in listed] == [b, a]
    of_one = client.get(f"/jobs?scenario={one}", headers=bearer(planner_token)).json()
    assert [j["id"] for j in of_one] == [a]
    failed = client.get("/jobs?state=failed", headers=bearer(planner_token)).json()
    assert failed == []
    assert all(j["plan_id"] is not None for j in listed)


def test_after_a_restart_a_running_job_is_failed_and_retryable(settings: Settings) -> None:
    """A job left running in the database (its server died) reads as failed with the
    retryable error ``interrupted`` once the service starts; its retry finishes."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.url)
    upgrade(settings.url, engine)
    app: FastAPI = create_app(settings)
    with TestClient(app, headers={"Accept-Language": "en"}) as client:
        token = _planner(app)
        scenario_id = create_scenario(client, token, tiny_yaml())
    with engine.begin() as conn:
        job_id = store.create(conn, scenario_id, 1, QUICK_PARAMS)
        store.claim(conn, job_id)
    engine.dispose()
    app = create_app(settings)
    with TestClient(app, headers={"Accept-Language": "en"}) as client:
        token = _planner(app)
        body = get_job(client, token, job_id)
        assert body["state"] == "failed" and body["error"] == "interrupted"
        assert body["retryable"] is True and "retry" in body["message"]
        chinese = get_job(client, token, job_id, **{"Accept-Language": "zh-CN"})
        with use_language("zh_CN"):
            assert chinese["message"] == _(store.INTERRUPTED_MESSAGE) != body["message"]
        retried = client.post(f"/jobs/{job_id}/retry", headers=bearer(token))
        assert retried.status_code == 202
        assert retried.json()["retry_of"] == job_id
        assert ended(client, token, retried.json()["id"])["state"] == "finished"
        finished_retry = client.post(f"/jobs/{retried.json()['id']}/retry", headers=bearer(token))
        assert finished_retry.status_code == 409
        assert finished_retry.json()["error"] == "not_retryable"


def _planner(app: FastAPI) -> str:
    from api.db import tokens as token_store

    engine: sa.Engine = app.state.engine
    with engine.begin() as conn:
        return token_store.create(conn, "planner").secret
