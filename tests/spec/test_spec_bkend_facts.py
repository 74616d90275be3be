"""The spec against a table of what bkend's docs say (bkend_facts.yaml): every contradiction is
recorded in `x-decisions`, every recorded decision cites both sides, and (when the snapshot of
bkend's docs is present at ../shared) every citation points at lines that say what is claimed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.spec.bkend_facts import CHECK_KINDS, contradictions, load_facts, mutated

FACTS = load_facts()
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SNAPSHOT = SHARED / "corpora" / "bkend-docs"
CITATION = re.compile(r"((?:en|ko|examples|seeds)/[\w./-]+\.(?:md|ts|tsx)):(\d+)(?:-(\d+))?")


def decisions(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["topic"]: d for d in spec["x-decisions"]}


def citations(decision: dict[str, Any]) -> list[tuple[str, int, int]]:
    out = []
    for source in decision["sources"]:
        for path, start, end in CITATION.findall(source):
            out.append((path, int(start), int(end or start)))
    return out


def cites(decision: dict[str, Any], source: dict[str, Any]) -> bool:
    """The decision names the file and a line range at (or right around) the cited line."""
    return any(path == source["path"] and start - 3 <= source["line"] <= end + 3
               for path, start, end in citations(decision))


def test_the_table_is_well_formed() -> None:
    ids = [f["id"] for f in FACTS]
    assert len(ids) == len(set(ids))
    for fact in FACTS:
        assert fact["fact"] and fact["sources"] and fact["checks"], fact["id"]
        for source in fact["sources"] + fact.get("disputed", []):
            assert set(source) == {"path", "line", "quote"}, (fact["id"], source)
            assert CITATION.fullmatch(f"{source['path']}:{source['line']}"), (fact["id"], source)
        assert {c["kind"] for c in fact["checks"]} <= set(CHECK_KINDS), fact["id"]


def test_every_contradiction_is_a_recorded_decision(spec: dict[str, Any]) -> None:
    recorded = decisions(spec)
    unrecorded = {
        fact_id: problems for fact_id, problems in contradictions(spec, FACTS).items()
        if next(f for f in FACTS if f["id"] == fact_id).get("decision") not in recorded
    }
    assert unrecorded == {}


def test_named_decisions_exist(spec: dict[str, Any]) -> None:
    recorded = decisions(spec)
    assert [f["id"] for f in FACTS if f.get("decision") and f["decision"] not in recorded] == []


def test_where_bkend_disagrees_with_itself_the_decision_cites_both_sides(spec: dict[str, Any]) -> None:
    recorded = decisions(spec)
    problems = []
    for fact in FACTS:
        if not fact.get("disputed"):
            continue
        decision = recorded.get(fact.get("decision", ""))
        if decision is None:
            problems.append(f"{fact['id']}: bkend disagrees with itself and no decision is recorded")
            continue
        if not any(cites(decision, s) for s in fact["sources"]):
            problems.append(f"{fact['id']}: {decision['topic']} cites none of {fact['sources']}")
        if not any(cites(decision, s) for s in fact["disputed"]):
            problems.append(f"{fact['id']}: {decision['topic']} cites none of {fact['disputed']}")
    assert problems == []


def test_every_decision_cites_both_sides(spec: dict[str, Any]) -> None:
    thin = {
        d["topic"]: d["sources"] for d in spec["x-decisions"]
        if len(d["sources"]) < 2 or not all(CITATION.search(s) for s in d["sources"])
    }
    assert thin == {}


@pytest.mark.parametrize(
    ("fact_id", "change"),
    [
        ("magic-link-callback", lambda s: s["paths"].pop("/v1/auth/email/callback")),
        ("password-policy-default", lambda s: s["x-password-policy"].update(minLength=8)),
        ("send-email-verification-public", lambda s: s["paths"]["/v1/auth/email/verify/send"]["post"].update(
            security=[{"apiKey": [], "bearerAuth": []}])),
        ("sessions-list", lambda s: s["components"]["schemas"]["Session"]["properties"].pop("deviceInfo")),
        ("oauth-callback-body", lambda s: s["components"]["schemas"]["OAuthCallbackRequest"]["required"].append(
            "state")),
        ("invitations-list", lambda s: s["components"]["parameters"]["Limit10"]["schema"].update(default=20)),
        ("mfa-wrong-password", lambda s: s["paths"]["/v1/auth/mfa/enable"]["post"]["x-errors"].append(
            "auth/invalid-password")),
    ],
)
def test_a_contradiction_is_found(spec: dict[str, Any], fact_id: str, change: Any) -> None:
    """The checks can fail: break one fact in a copy of the spec and it is reported."""
    assert fact_id not in contradictions(spec, FACTS)
    assert fact_id in contradictions(mutated(spec, change), FACTS)


def test_an_unrecorded_contradiction_fails() -> None:
    fact = next(f for f in FACTS if f["id"] == "password-policy-default")
    assert fact["decision"] == "password-minimum-length"
    # Without its decision the deliberate choice would count as an unrecorded contradiction.
    bare = {**fact, "checks": [{"kind": "value", "pointer": "/x-password-policy/minLength", "equals": 8}]}
    from tests.spec.spec_walk import load_spec

    assert contradictions(load_spec(), [bare]) == {"password-policy-default": ["value: is 6"]}


# -- the citations, against the snapshot of bkend's docs (optional) ------------------------------

needs_snapshot = pytest.mark.skipif(not SNAPSHOT.is_dir(), reason="no ../shared/corpora/bkend-docs snapshot")


def source_lines(path: str) -> list[str]:
    root = SHARED if path.startswith("seeds/") else SNAPSHOT
    return (root / path).read_text(encoding="utf-8").splitlines()


def squash(text: str) -> str:
    return " ".join(text.split()).lower()


@needs_snapshot
def test_fact_citations_say_what_is_claimed() -> None:
    wrong = []
    for fact in FACTS:
        for source in fact["sources"] + fact.get("disputed", []):
            lines = source_lines(source["path"])
            near = " ".join(lines[max(0, source["line"] - 2): source["line"] + 1])
            if squash(source["quote"]) not in squash(near):
                wrong.append(f"{fact['id']}: {source['path']}:{source['line']} lacks {source['quote']!r}")
    assert wrong == []


@needs_snapshot
def test_decision_citations_point_into_the_snapshot(spec: dict[str, Any]) -> None:
    wrong = []
    for decision in spec["x-decisions"]:
        for path, start, end in citations(decision):
            root = SHARED if path.startswith("seeds/") else SNAPSHOT
            if not (root / path).is_file():
                wrong.append(f"{decision['topic']}: no file {path}")
            elif not 1 <= start <= end <= len(source_lines(path)):
                wrong.append(f"{decision['topic']}: {path}:{start}-{end} is past the end")
    assert wrong == []
