#!/usr/bin/env python3
"""Re-run a routine-inspection draw independently (README: "The routine draw").

Python standard library only. Reads a draw as the service shows it (GET
/api/v1/assessment-cycles/{cycle_id}/spot-checks/draws/{draw_id}, or the README's worked
example) from a file or standard input, recomputes the SHA-256 of the eligible lists and the
sample from the seed, and prints the result as JSON:

    {"eligible_sha256": "...", "sample": [{"group": "...", "unit_ids": [...]}, ...],
     "eligible_matches": true, "sample_matches": true}

`*_matches` compare with what the input says, where it says it. Exit status 1 when either
differs.

Algorithm version 1: for each unit of a group, the key is SHA-256 over
    b"lianzheng-draw/1" 0x00
    || seed length in bytes, 4-byte big-endian || seed (UTF-8, exactly as entered)
    || cycle id, 8-byte big-endian two's complement || unit id, same
Units are ranked by key (bytes ascending, then unit id) and the first `size` are drawn, in
rank order. The eligible lists' SHA-256 is over the compact JSON with sorted keys of
{"cycle_id": ..., "groups": [{"group": ..., "size": ..., "unit_ids": [...]}, ...]}.
"""

import hashlib
import json
import struct
import sys

DOMAIN = b"lianzheng-draw/1\x00"


def unit_key(seed: str, cycle_id: int, unit_id: int) -> bytes:
    seed_bytes = seed.encode("utf-8")
    data = (
        DOMAIN
        + struct.pack(">I", len(seed_bytes))
        + seed_bytes
        + struct.pack(">q", cycle_id)
        + struct.pack(">q", unit_id)
    )
    return hashlib.sha256(data).digest()


def draw(seed: str, cycle_id: int, groups: list) -> list:
    sample = []
    for g in groups:
        ranked = sorted(g["unit_ids"], key=lambda u: (unit_key(seed, cycle_id, u), u))
        sample.append({"group": g["group"], "unit_ids": ranked[: g["size"]]})
    return sample


def eligible_sha256(cycle_id: int, groups: list) -> str:
    lists = {
        "cycle_id": cycle_id,
        "groups": [
            {"group": g["group"], "size": g["size"], "unit_ids": g["unit_ids"]} for g in groups
        ],
    }
    text = json.dumps(lists, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def main() -> int:
    source = open(sys.argv[1], encoding="utf-8") if len(sys.argv) > 1 else sys.stdin
    given = json.load(source)
    cycle_id, groups = given["cycle_id"], given["eligible"]
    out = {
        "eligible_sha256": eligible_sha256(cycle_id, groups),
        "sample": draw(given["seed"], cycle_id, groups),
    }
    ok = True
    if "eligible_sha256" in given:
        out["eligible_matches"] = out["eligible_sha256"] == given["eligible_sha256"]
        ok = ok and out["eligible_matches"]
    if given.get("sample") is not None:
        out["sample_matches"] = out["sample"] == given["sample"]
        ok = ok and out["sample_matches"]
    print(json.dumps(out, ensure_ascii=False, sort_keys=True))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
