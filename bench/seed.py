#!/usr/bin/env python3
"""Tops the demo county up to the benchmark's size through the API, and writes what the
benchmark's variants need.

The demo county (`lianzheng seed-demo`) has 13 towns, 60 county departments, 5 county
enterprises and 6 vertical units, the default forms, six teams, sixteen score sheets in every
state (seven final) and two closed ballot rounds. This adds, as the office would: county
enterprises up to 10 (each taken into the cycle), leaders up to 6 for every unit, and every
other open score sheet taken to final by its team. Then it picks the variants' objects and
writes, into the directory given:

  env          shell assignments: CYCLE, OFFICE_TOKEN, SELF_UNIT and SELF_TOKEN (a unit with a
               submitted self-inspection, and its token), SHEET_UNIT and SHEET_TOKEN (a final
               score sheet, and its team leader's token)
  items.tsv    one open score-sheet item a line: path, the team leader's token, current ETag

Usage: bench/seed.py BASE_URL BINARY OUT_DIR [--items-only]   (JWT_SECRET in the environment)
--items-only skips the top-up and rewrites items.tsv with the items' current ETags (before each
run of the write variant). Standard library only.
"""

import json
import subprocess
import sys
import urllib.error
import urllib.request

BASE, BINARY, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
ITEMS_ONLY = sys.argv[4:] == ["--items-only"]
ENTERPRISES = 10
LEADERS = 6


def token(role, sub, unit_id=None):
    args = [BINARY, "token", "--role", role, "--sub", sub, "--ttl", "6h"]
    if unit_id is not None:
        args += ["--unit-id", str(unit_id)]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()


OFFICE = token("office", "bench-office")


def call(method, path, body=None, tok=OFFICE, expect=(200, 201), headers=None):
    """Any answer outside 2xx ends the seed, unless its status is in `expect`."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(BASE + "/api/v1" + path, data=data, method=method)
    request.add_header("Authorization", "Bearer " + tok)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        if error.code in expect:
            return error.code, dict(error.headers), json.loads(text or "null")
        sys.exit(f"seed: {method} {path} answered {error.code}: {text}")


def pages(path):
    page = 1
    while True:
        sep = "&" if "?" in path else "?"
        _, _, body = call("GET", f"{path}{sep}per_page=100&page={page}")
        yield from body["items"]
        if page * 100 >= body["total"]:
            return
        page += 1


# The demo's cycle in the special inspection (2014); the others are drafts, in review or
# published.
cycle = next(c for c in pages("/assessment-cycles") if c["state"] == "special_inspection")["id"]

units = [] if ITEMS_ONLY else list(pages("/units"))
enterprises = [u for u in units if u["kind"] == "county_enterprise"]
for n in range(len(enterprises), 0 if ITEMS_ONLY else ENTERPRISES):
    _, _, unit = call("POST", "/units", {"name": f"阳山县基准测试企业{n + 1}", "kind": "county_enterprise"})
    call("PUT", f"/assessment-cycles/{cycle}/units/{unit['id']}",
         {"status": "assessed", "reason": "基准测试补足县属企业"})
    units.append(unit)

added = 0
for unit in units:
    _, _, leaders = call("GET", f"/units/{unit['id']}/leaders?per_page=100")
    for n in range(leaders["total"], LEADERS):
        call("POST", f"/units/{unit['id']}/leaders",
             {"name": f"基准领导{unit['id']}-{n + 1}", "position": "委员",
              "is_first_responsible": False})
        added += 1

teams = list(pages(f"/assessment-cycles/{cycle}/teams"))


def sheet_path(unit_id):
    return f"/assessment-cycles/{cycle}/units/{unit_id}/scoring-record"


# Every other open sheet is taken to final as its team would: every item scored, the methods,
# submitted, signed by the leader and each member. The others stay open for the write variant.
finalised = 0
for team in [] if ITEMS_ONLY else teams:
    signers = [token("inspector", p["sub"]) for p in [team["leader"], *team["members"]]]
    for n, unit_id in enumerate(team["unit_ids"]):
        _, _, sheet = call("GET", sheet_path(unit_id), tok=signers[0])
        if n % 2 or sheet["status"] != "open" or sheet["signatures"]:
            continue
        for item in sheet["items"]:
            call("PUT", f"{sheet_path(unit_id)}/items/{item['item_code']}", {"deductions": []},
                 tok=signers[0], headers={"If-Match": item["etag"]})
        _, _, sheet = call("GET", sheet_path(unit_id), tok=signers[0])
        call("PUT", f"{sheet_path(unit_id)}/methods", {"methods": ["hearing_report"]},
             tok=signers[0], headers={"If-Match": sheet["methods_etag"]})
        call("POST", f"{sheet_path(unit_id)}/submit", {}, tok=signers[0])
        for signer in signers:
            call("POST", f"{sheet_path(unit_id)}/signatures", {}, tok=signer)
        finalised += 1

items, final = [], None
for team in teams:
    inspector = token("inspector", team["leader"]["sub"])
    for unit_id in team["unit_ids"]:
        _, _, sheet = call("GET", f"/assessment-cycles/{cycle}/units/{unit_id}/scoring-record",
                           tok=inspector)
        if sheet["status"] == "final" and final is None:
            final = (unit_id, inspector)
        if sheet["status"] != "open" or sheet["signatures"]:
            continue
        for item in sheet["items"]:
            path = (f"/api/v1/assessment-cycles/{cycle}/units/{unit_id}"
                    f"/scoring-record/items/{item['item_code']}")
            items.append((path, inspector, item["etag"]))

with open(f"{OUT}/items.tsv", "w") as out:
    for path, inspector, etag in items:
        out.write(f"{path}\t{inspector}\t{etag}\n")
if ITEMS_ONLY:
    sys.exit(0)
progress = list(pages(f"/assessment-cycles/{cycle}/self-inspections?status=submitted"))
if final is None or not progress or len(items) < 256:
    sys.exit(f"seed: the demo county lacks a final sheet, a submitted self-inspection or 256 "
             f"open items ({len(items)})")

self_unit = progress[0]["unit_id"]
with open(f"{OUT}/env", "w") as out:
    out.write(f"CYCLE={cycle}\nOFFICE_TOKEN={OFFICE}\n"
              f"SELF_UNIT={self_unit}\nSELF_TOKEN={token('unit', 'bench-unit', self_unit)}\n"
              f"SHEET_UNIT={final[0]}\nSHEET_TOKEN={final[1]}\n")
print(f"seed: {len(units)} units ({max(len(enterprises), ENTERPRISES)} county enterprises), "
      f"{added} leaders added, {finalised} sheets taken to final, {len(items)} open sheet items",
      file=sys.stderr)
