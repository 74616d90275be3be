"""`make mutate`: mutation testing of the sandbox's security paths with mutmut (pinned in
pyproject.toml, configured under [tool.mutmut]).

Mutates only the functions below; each mutant runs only the selected tests that executed it. Every
surviving mutant must be listed, with the reason it changes nothing observable, in
tests/sandbox/equivalent_mutants.md; anything else that survives (or has no test) fails the run.

    make mutate                      # everything below
    make mutate ARGS="sandbox.tokens.*"   # one module (mutmut's name globs)
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = [sys.executable, "-m", "mutmut"]
EQUIVALENT = ROOT / "tests" / "sandbox" / "equivalent_mutants.md"

# mutmut names functions `module.x_function` and methods `module.xǁClassǁmethod`.
SCOPE = [
    "sandbox.passwords.*",  # argon2id hashing, the dummy hash, the policy
    "sandbox.tokens.*",  # JWT issue/verify, secrets, digests, HMAC signatures
    "sandbox.sessions.x_start__*",  # sessions and refresh rotation (not the session list's labels)
    "sandbox.sessions.x__new_refresh__*",
    "sandbox.sessions.x_sign_in__*",
    "sandbox.sessions.x_switch_organization__*",
    "sandbox.sessions.x_within_reuse_interval__*",
    "sandbox.sessions.x_rotate__*",
    "sandbox.sessions.x_revoke__*",
    "sandbox.sessions.x_revoke_all__*",
    "sandbox.sessions.x_authenticate__*",
    "sandbox.sessions.x_user_gone_error__*",
    "sandbox.sessions.x_ever_signed_in__*",
    "sandbox.sessions.x_list_for_user__*",
    "sandbox.onetime.*",  # mailed one-time secrets
    "sandbox.redirects.*",  # the callbackUrl allow-list
    "sandbox.ratelimit.*",  # rate limits
    "sandbox.context.xǁPrincipalǁ*",  # roles
    "sandbox.routes_users.x_target__*",  # who may act on which user
]

STATUS = re.compile(r"^\s*(?P<name>\S+): (?P<status>.+?)\s*$")
KILLED = {"killed", "timeout", "segfault"}  # a hang or crash under the mutant is a detection too
LISTED = re.compile(r"^- `(?P<name>[^`]+)`: (?P<why>\S.*)$")


def equivalent() -> dict[str, str]:
    """Listed name -> its section (`Equivalent`, `Race guard`)."""
    if not EQUIVALENT.exists():
        return {}
    found, section = {}, ""
    for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            section = line[4:].strip()
        match = LISTED.match(line)
        if match:
            found[match["name"]] = section
    return found


def results(patterns: list[str]) -> dict[str, str]:
    out = subprocess.run([*MUTMUT, "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    found = {}
    for line in out.splitlines():
        match = STATUS.match(line)
        if match and any(_matches(match["name"], p) for p in patterns):
            found[match["name"]] = match["status"]
    return found


def _matches(name: str, pattern: str) -> bool:
    return re.fullmatch(re.escape(pattern).replace(r"\*", ".*"), name) is not None


def main(argv: list[str]) -> int:
    patterns = argv or SCOPE
    run = subprocess.run([*MUTMUT, "run", *patterns], cwd=ROOT)
    if run.returncode not in (0, 1):
        return run.returncode
    status = results(patterns)
    listed = equivalent()
    counts = Counter("killed" if s in KILLED else s for s in status.values())
    survivors = sorted(n for n, s in status.items() if s not in KILLED)
    explained = [n for n in survivors if n in listed and status[n] == "survived"]
    unexplained = [n for n in survivors if n not in explained]
    stale = sorted(n for n in listed if n in status and status[n] in KILLED)
    kinds = Counter(listed[n] for n in explained)
    print(f"\nmutants: {len(status)}, killed: {counts['killed']}, explained survivors: {len(explained)} "
          f"({', '.join(f'{k.lower()}: {v}' for k, v in sorted(kinds.items()))}), "
          f"surviving unexplained: {len(unexplained)}  ({', '.join(f'{k}={v}' for k, v in sorted(counts.items()))})")
    for name in unexplained:
        print(f"  {status[name]}: {name}   (mutmut show {name})")
    for name in stale:
        print(f"  listed as equivalent but killed now (remove it from {EQUIVALENT.name}): {name}")
    if not status:
        print("no mutants matched: check the SCOPE patterns against `mutmut results --all true`")
        return 1
    return 1 if unexplained or stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
