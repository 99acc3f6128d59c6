// A small typed client of the lianzheng API, run against the demo county by
// scripts/client-test.sh. Every request and response is typed by src/schema.d.ts, generated from
// the committed contract; when the contract and the service disagree, the compiler or one of the
// checks below says so.
//
// Environment: BASE_URL (http://127.0.0.1:PORT), OFFICE_TOKEN, INSPECTOR_TOKEN (a member of the
// team holding UNIT_ID in CYCLE_ID), UNIT_TOKEN (a user of UNIT_ID), CYCLE_ID, UNIT_ID.

import { createHash, randomUUID } from "node:crypto";
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Schemas = components["schemas"];
type Problem = Schemas["Problem"];

/** A setting from the environment, or a failure naming it. */
function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === "") {
    throw new Error(`${name} is not set`);
  }
  return value.trim();
}

/** A positive integer setting from the environment. */
function envId(name: string): number {
  const text = env(name);
  if (!/^[1-9][0-9]{0,15}$/.test(text)) {
    throw new Error(`${name} is not a positive integer: ${text}`);
  }
  return Number(text);
}

/** Stops the run with `message` unless `condition` holds. */
function check(condition: boolean, message: string): asserts condition {
  if (!condition) {
    throw new Error(`check failed: ${message}`);
  }
}

/** A value the run needs, or a failure saying why it is missing. */
function need<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) {
    throw new Error(`missing: ${what}`);
  }
  return value;
}

/** A failed call's status and problem, for the message that stops the run. */
function describe(response: Response, problem: Problem | undefined): string {
  const code = problem === undefined ? "no problem body" : `${problem.code}: ${problem.detail}`;
  return `${response.status} (${code})`;
}

/** The exact number of hundredths in a `Points` string such as "87.50": never a float. */
function hundredths(points: string): bigint {
  const match = /^(0|[1-9][0-9]{0,2})(?:\.([0-9]{1,2}))?$/.exec(points);
  check(match !== null, `"${points}" is a Points value`);
  const whole = need(match[1], "the whole part");
  const fraction = (match[2] ?? "").padEnd(2, "0");
  return BigInt(whole) * 100n + BigInt(fraction);
}

/** The hex SHA-256 of some bytes. */
function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** An entity tag without its quotes (`"abc"` or `W/"abc"` to `abc`). */
function opaqueTag(tag: string): string {
  return tag.replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
}

/** The UTF-8 file name of a Content-Disposition header (RFC 6266 `filename*`), if any. */
function dispositionFileName(header: string): string | undefined {
  const encoded = /filename\*=UTF-8''([^;\s]+)/i.exec(header)?.[1];
  return encoded === undefined ? undefined : decodeURIComponent(encoded);
}

const baseUrl = env("BASE_URL");
const cycleId = envId("CYCLE_ID");
const unitId = envId("UNIT_ID");

/** A client that sends `token` as its bearer token. */
function clientFor(token: string) {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
}

const office = clientFor(env("OFFICE_TOKEN"));
const inspector = clientFor(env("INSPECTOR_TOKEN"));
const unit = clientFor(env("UNIT_TOKEN"));

type ListUnitsQuery = NonNullable<paths["/api/v1/units"]["get"]["parameters"]["query"]>;

/** One page of units as the office, failing on anything but 200. */
async function listUnits(query: ListUnitsQuery): Promise<Schemas["Page_UnitResponse"]> {
  const { data, error, response } = await office.GET("/api/v1/units", { params: { query } });
  if (data === undefined) {
    throw new Error(`list_units ${JSON.stringify(query)}: ${describe(response, error)}`);
  }
  return data;
}

/** list_units with every filter: kind, q, status, sort, order, page and per_page. */
async function unitsWithEveryFilter(): Promise<void> {
  const query: ListUnitsQuery = {
    kind: "town",
    q: "镇",
    status: "active",
    sort: "name",
    order: "asc",
    page: 1,
    per_page: 100,
  };
  const ascending = await listUnits(query);
  check(ascending.items.length > 0, "the demo county has active towns named …镇");
  check(ascending.total === ascending.items.length, "one page of 100 holds every town");
  for (const item of ascending.items) {
    check(item.kind === "town", `unit ${item.id} is a town`);
    check(item.name.includes("镇"), `unit ${item.id} (${item.name}) contains 镇`);
    check(!item.archived, `unit ${item.id} is active`);
  }

  const descending = await listUnits({ ...query, order: "desc" });
  const reversed = descending.items.map((item) => item.id).reverse();
  check(
    JSON.stringify(reversed) === JSON.stringify(ascending.items.map((item) => item.id)),
    "order=desc lists the same towns in the reverse order",
  );

  const second = await listUnits({ ...query, per_page: 2, page: 2 });
  check(second.page === 2 && second.per_page === 2, "the page echoes page and per_page");
  check(second.total === ascending.total, "paging does not change the total");
  check(
    JSON.stringify(second.items.map((item) => item.id)) ===
      JSON.stringify(ascending.items.slice(2, 4).map((item) => item.id)),
    "page 2 of 2 holds the third and fourth towns",
  );

  const everyKind: Schemas["UnitKind"][] = ["county_department", "county_enterprise", "vertical"];
  for (const kind of everyKind) {
    const page = await listUnits({ kind, status: "all", sort: "updated_at", order: "desc" });
    check(
      page.items.every((item) => item.kind === kind),
      `kind=${kind} lists only units of that kind`,
    );
  }
  const archived = await listUnits({ status: "archived", sort: "kind", per_page: 100 });
  check(
    archived.items.every((item) => item.archived),
    "status=archived lists only archived units",
  );
  const sortedById = await listUnits({ status: "all", sort: "id", per_page: 100 });
  const ids = sortedById.items.map((item) => item.id);
  check(
    ids.every((id, index) => index === 0 || id > need(ids[index - 1], "the previous id")),
    "sort=id lists ascending ids",
  );
  console.log(`list_units: ${ascending.total} towns, every filter honoured`);
}

/** list_forms: the cycle's forms, each worth 100.00 points in all. */
async function cycleForms(): Promise<Schemas["FormResponse"]> {
  const { data, error, response } = await inspector.GET(
    "/api/v1/assessment-cycles/{cycle_id}/forms",
    { params: { path: { cycle_id: cycleId } } },
  );
  if (data === undefined) {
    throw new Error(`list_forms: ${describe(response, error)}`);
  }
  check(data.items.length > 0 && data.total === data.items.length, "the cycle has forms");
  for (const form of data.items) {
    check(form.cycle_id === cycleId, `the ${form.form_kind} form belongs to the cycle`);
    check(form.total_points === "100.00", `the ${form.form_kind} form is worth 100.00`);
    const sum = form.items.reduce((total, item) => total + hundredths(item.max_points), 0n);
    check(sum === 10000n, `the ${form.form_kind} form's items add up to 100.00`);
  }
  const town = need(
    data.items.find((form) => form.form_kind === "town"),
    "the town form",
  );
  const forms = data.items.length;
  console.log(`list_forms: ${forms} forms, ${town.items.length} items on the town form`);
  return town;
}

/** The unit's score sheet as the inspector, with its ETag header. */
async function scoreSheet(): Promise<{ sheet: Schemas["RecordResponse"]; etag: string }> {
  const { data, error, response } = await inspector.GET(
    "/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record",
    { params: { path: { cycle_id: cycleId, unit_id: unitId } } },
  );
  if (data === undefined) {
    throw new Error(`get_scoring_record: ${describe(response, error)}`);
  }
  const etag = need(response.headers.get("ETag"), "the score sheet's ETag header");
  return { sheet: data, etag };
}

/** The path of put_record_item (a constant, so that its type is the literal the client needs). */
const itemPath =
  "/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/items/{item_code}";

/** put_record_item with If-Match: scores one item, then shows a stale tag changes nothing. */
async function scoreOneItem(form: Schemas["FormResponse"]): Promise<void> {
  const formItem = need(form.items[0], "the town form's first item");
  const rule = need(formItem.rules[0], `a deduction rule of item ${formItem.code}`);
  const before = await scoreSheet();
  const item = need(
    before.sheet.items.find((candidate) => candidate.item_code === formItem.code),
    `item ${formItem.code} on the sheet`,
  );
  const params = { cycle_id: cycleId, unit_id: unitId, item_code: formItem.code };
  const deduction: Schemas["Deduction"] = {
    rule_code: rule.code,
    occurrences: 1,
    points: rule.points.min,
    grounds: "年初部署会议未形成会议记录",
    kind: "other",
  };
  const body: Schemas["PutItem"] = {
    deductions: [deduction],
    evidence_notes: "查阅2014年党委会议记录",
  };

  const written = await inspector.PUT(itemPath, {
    params: { path: params, header: { "If-Match": item.etag } },
    body,
  });
  if (written.data === undefined) {
    throw new Error(`put_record_item: ${describe(written.response, written.error)}`);
  }
  const scored = written.data;
  const expected = hundredths(scored.max_points) - hundredths(rule.points.min);
  check(
    hundredths(scored.points) === (expected < 0n ? 0n : expected),
    `item ${scored.item_code} scores its maximum less the deduction (${scored.points})`,
  );
  check(scored.deductions.length === 1, "the item keeps the one deduction sent");
  check(scored.etag !== item.etag, "writing the item changes its ETag");
  check(
    written.response.headers.get("ETag") === scored.etag,
    "the ETag header equals the item's etag field",
  );

  const stale = await inspector.PUT(itemPath, {
    params: { path: params, header: { "If-Match": item.etag } },
    body: { deductions: [] },
  });
  check(stale.response.status === 412, `a stale If-Match is 412 (${stale.response.status})`);
  check(stale.error?.code !== undefined, "the 412 carries a problem code");

  const after = await scoreSheet();
  const kept = need(
    after.sheet.items.find((candidate) => candidate.item_code === formItem.code),
    `item ${formItem.code} on the sheet afterwards`,
  );
  check(kept.etag === scored.etag, "the refused write left the item as written");
  check(kept.points === scored.points, "the refused write left the item's points");
  console.log(
    `put_record_item: ${scored.item_code} ${scored.max_points} → ${scored.points}, ` +
      `stale If-Match refused with ${stale.error?.code ?? "no code"}`,
  );
}

/** The text file every upload sends, and its name. */
const upload = {
  fileName: "自查佐证材料.txt",
  bytes: new TextEncoder().encode("2014年党委会议记录摘录：专题研究党风廉政建设工作4次。\n"),
};

/** upload_attachment as the unit; openapi-fetch builds a fresh multipart body on each call. */
function uploadAttachment(idempotencyKey: string) {
  return unit.POST("/api/v1/attachments", {
    body: { file: new Blob([upload.bytes], { type: "text/plain" }) },
    bodySerializer(body) {
      const form = new FormData();
      form.append("file", body.file, upload.fileName);
      return form;
    },
    headers: { "Idempotency-Key": idempotencyKey },
  });
}

/** upload_attachment then download_attachment: the bytes, their SHA-256 and the ETag agree. */
async function uploadAndDownload(): Promise<void> {
  const stored = await uploadAttachment(randomUUID());
  if (stored.data === undefined) {
    throw new Error(`upload_attachment: ${describe(stored.response, stored.error)}`);
  }
  const attachment = stored.data;
  const { fileName, bytes } = upload;
  check(stored.response.status === 201, `the upload is 201 (${stored.response.status})`);
  check(attachment.file_name === fileName, `the file keeps its name (${attachment.file_name})`);
  check(attachment.size_bytes === bytes.length, "the stored size is the bytes sent");
  check(attachment.sha256 === sha256(bytes), "the stored SHA-256 is that of the bytes sent");
  check(
    stored.response.headers.get("Location") === attachment.download_url,
    "Location is the download URL",
  );

  const downloaded = await unit.GET("/api/v1/attachments/{attachment_id}", {
    params: { path: { attachment_id: attachment.id } },
    parseAs: "arrayBuffer",
  });
  if (downloaded.data === undefined) {
    throw new Error(`download_attachment: ${describe(downloaded.response, downloaded.error)}`);
  }
  const received = new Uint8Array(downloaded.data);
  const etag = need(downloaded.response.headers.get("ETag"), "the download's ETag header");
  check(sha256(received) === opaqueTag(etag), `the download's SHA-256 equals its ETag ${etag}`);
  check(sha256(received) === attachment.sha256, "the download is the bytes uploaded");
  const disposition = downloaded.response.headers.get("Content-Disposition") ?? "";
  check(
    dispositionFileName(disposition) === fileName,
    `Content-Disposition names ${fileName} (${disposition})`,
  );

  const unchanged = await unit.GET("/api/v1/attachments/{attachment_id}", {
    params: { path: { attachment_id: attachment.id } },
    headers: { "If-None-Match": etag },
    parseAs: "arrayBuffer",
  });
  check(
    unchanged.response.status === 304,
    `If-None-Match with the ETag is 304 (${unchanged.response.status})`,
  );
  console.log(`attachments: ${attachment.id} uploaded and downloaded, SHA-256 = ETag ${etag}`);
}

/**
 * A retried upload with the same Idempotency-Key replays the first one. The retry is what any
 * fetch client sends: the same file in a new FormData, hence a new multipart boundary.
 */
async function retriedUpload(): Promise<void> {
  const key = randomUUID();
  const first = await uploadAttachment(key);
  if (first.data === undefined) {
    throw new Error(`upload_attachment: ${describe(first.response, first.error)}`);
  }
  const retry = await uploadAttachment(key);
  check(
    retry.data?.id === first.data.id,
    "a retry with the same Idempotency-Key and file replays the upload, got " +
      describe(retry.response, retry.error),
  );
  console.log(`idempotent upload: the retry replayed attachment ${first.data.id}`);
}

/** Runs every step, even after one fails, and fails the run when any did. */
async function main(): Promise<void> {
  const failures: string[] = [];
  const step = async (name: string, run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (failure: unknown) {
      const message = failure instanceof Error ? failure.message : String(failure);
      console.error(`FAILED ${name}: ${message}`);
      failures.push(name);
    }
  };
  await step("list_units with every filter", unitsWithEveryFilter);
  await step("list_forms, then put_record_item with If-Match", async () => {
    await scoreOneItem(await cycleForms());
  });
  await step("upload_attachment and download_attachment", uploadAndDownload);
  await step("a retried upload_attachment with its Idempotency-Key", retriedUpload);
  if (failures.length > 0) {
    console.error(`client: ${failures.length} of 4 steps failed: ${failures.join("; ")}`);
    process.exitCode = 1;
    return;
  }
  console.log("client: all 4 steps passed");
}

main().catch((failure: unknown) => {
  console.error(failure instanceof Error ? failure.message : String(failure));
  process.exitCode = 1;
});
