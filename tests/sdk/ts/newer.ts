// Drives the built TypeScript SDK against tests/sdk/newer_server.py; prints one JSON line of outcomes,
// the same strings tests/sdk/drive_newer.py prints for Python, so one table checks both languages.

import {
  APIError,
  APIResponseValidationError,
  Client,
  SDKError,
  type models,
} from "item-store-api";

declare const process: { argv: string[]; exitCode: number | undefined };

function errorOutcome(error: unknown): string {
  if (error instanceof APIError) {
    const attempt = error.headers.get("x-attempt") ?? "?";
    const body = typeof error.body === "string" ? "text" : error.body !== undefined ? "json" : "none";
    return `${error.name}:${error.status}:${attempt}:${body}`;
  }
  if (error instanceof APIResponseValidationError) {
    return `APIResponseValidationError:${error.status ?? "None"}:${error.response !== undefined ? "response" : "no response"}`;
  }
  if (error instanceof SDKError) return error.name;
  return `crash ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
}

function field(value: unknown, name: string): unknown {
  return (value as Record<string, unknown>)[name];
}

const describe = (value: unknown): string => `ok:${String(field(value, "name"))}`;
const known = ["EUR", "USD", "GBP"];

async function main(): Promise<void> {
  const base = process.argv[2] ?? "";
  const out: Record<string, string> = {};
  const client = new Client({ baseURL: base, defaultHeaders: { "X-Run": "ts" } });

  async function outcome<T>(name: string, call: () => PromiseLike<T>, show: (value: T) => string = describe): Promise<void> {
    const started = Date.now();
    try {
      out[name] = show(await call());
    } catch (error) {
      out[name] = errorOutcome(error);
    }
    if (Date.now() - started > 5000) out[name] += " (slow)";
  }

  const get = (id: number): PromiseLike<models.ItemOut> => client.items.getItem(id);
  await outcome("unknown field, enum value", () => get(1), (item) =>
    `ok:colour=${String(field(item, "colour"))}:currency=${item.currency}:absent optional=${!("dimensions" in item) && item.dimensions === undefined ? "True" : "False"}`);
  const scenarios: [string, number][] = [
    ["required field missing", 2],
    ["404 text/html", 3],
    ["200 text/html", 4],
    ["302 without Location", 5],
    ["redirect loop", 6],
    ["undeclared 201", 7],
    ["429 Retry-After seconds", 8],
    ["503 Retry-After date", 9],
    ["429 Retry-After above cap", 10],
    ["503 503 200", 11],
    ["503 x-should-retry false", 12],
    ["400 x-should-retry true", 13],
    ["409", 14],
    ["500 always", 16],
    ["429 always", 17],
    ["404 problem+json", 18],
  ];
  for (const [name, id] of scenarios) await outcome(name, () => get(id));
  await outcome("body stalls", () => client.items.getItem(15, { timeout: 1000, maxRetries: 0 }));
  await outcome("user agent", () => get(19), (item) => `ok:${String(item.description).split("/")[0]}`);
  const body = { kind: "text" as const, text: "hi" };
  await outcome("unknown variant", () => client.items.addItemNote(1, { body }), (note) =>
    `ok:kind=${String(field(note, "kind"))}:seconds=${String(field(note, "seconds"))}`);
  const noteText = (note: models.TextNoteOut | models.LinkNoteOut): string =>
    note.kind === "text" ? `ok:${note.text}` : `ok:${note.kind}`;
  await outcome("POST 503 then 201", () => client.items.addItemNote(2, { body }), noteText);
  await outcome("page with repeated offset", async () => {
    const items: models.ItemOut[] = [];
    for await (const item of client.items.listItemsIter()) items.push(item);
    return items;
  }, (items) => `ok:${items.length} items:${items.map((i) => i.currency ?? "EUR").filter((c) => !known.includes(c)).join(",")}`);
  const late = ((await (await fetch(`${base}/arm-late`)).json()) as { url: string }).url;
  const refused = new Client({ baseURL: late, defaultHeaders: { "X-Run": "ts" } });
  await outcome("refused before sending, POST", () => refused.items.addItemNote(3, { body }), noteText);
  console.log(JSON.stringify(out));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
