"""Prints the links schemathesis's stateful phase followed, from a run's NDJSON report.

Usage: links.py ROLE REPORT.ndjson

schemathesis 4 prints only counts ("API Links: 61 covered / 483 selected / 483 total (483
inferred)"); the report holds each step. A link counts as followed when a stateful step was
made through it with its parameters taken from the previous response (`is_transition_applied`).
For each one this prints how often it was followed and the statuses its target answered.
Exits 1 when the stateful phase did not run or followed no link at all.
"""

import collections
import json
import sys


def main() -> int:
    role, path = sys.argv[1], sys.argv[2]
    phase = None
    followed: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    inferred_from: dict[str, bool] = {}
    with open(path, encoding="utf-8") as report:
        for line in report:
            event = json.loads(line)
            started = event.get("PhaseStarted")
            if started and started["phase"]["name"] == "stateful":
                phase = started.get("payload") or {}
            finished = event.get("ScenarioFinished")
            if not finished or finished["phase"] != "stateful":
                continue
            recorder = finished["recorder"]
            interactions = recorder.get("interactions", {})
            for case_id, node in recorder.get("cases", {}).items():
                transition = node.get("transition")
                if not transition or not node.get("is_transition_applied"):
                    continue
                response = interactions.get(case_id, {}).get("response") or {}
                followed[transition["id"]][response.get("status_code", "no response")] += 1
                inferred_from[transition["id"]] = bool(transition.get("is_inferred"))
    if phase is None:
        print(f"links ({role}): the stateful phase did not run", file=sys.stderr)
        return 1
    print(
        f"links ({role}): {len(followed)} followed of {phase.get('transitions_selected', 0)} "
        f"selected ({phase.get('inferred_transitions', 0)} inferred by schemathesis, "
        f"{phase.get('transitions_total', 0) - phase.get('inferred_transitions', 0)} declared "
        "in the contract)"
    )
    for link in sorted(followed):
        statuses = ", ".join(
            f"{status} x{count}" for status, count in sorted(followed[link].items(), key=str)
        )
        origin = "inferred" if inferred_from[link] else "declared"
        print(f"  {link}  [{origin}; {statuses}]")
    if not followed:
        print(f"links ({role}): the stateful phase followed no link", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
