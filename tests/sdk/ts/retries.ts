// The retry policy of the generated TypeScript SDK against a scripted fetch (no network):
// 429 with Retry-After, 5xx, 408, x-should-retry, and POST/PATCH retried with the same Idempotency-Key;
// and `withOptions` copies (their own timeout, retries and headers; the same credentials, then their own).

import { APIError, APITimeoutError, Client, type ClientOptions, type RequestOptions, SDKError } from "item-store-api";

declare const process: { exitCode: number | undefined };

function check(condition: unknown, what: string): void {
  if (!condition) throw new Error(`FAILED: ${what}`);
  console.log(`ok: ${what}`);
}

interface Seen {
  method: string;
  headers: Headers;
}

function scripted(
  statuses: number[],
  extra: Record<string, string> = {},
  options: ClientOptions = {},
): { client: Client; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetch = async (_url: string, init: RequestInit): Promise<Response> => {
    seen.push({ method: init.method ?? "GET", headers: new Headers(init.headers) });
    const scripted = statuses[Math.min(seen.length - 1, statuses.length - 1)] ?? 200;
    // a success is answered with the status the contract declares (an undeclared one is an error)
    const method = init.method ?? "GET";
    const status = scripted !== 200 ? scripted : method === "POST" ? 201 : method === "DELETE" ? 204 : 200;
    const ok = status < 300;
    const body = status === 204 ? null : ok ? JSON.stringify({ status: "ok", id: 1, name: "x", price_cents: 1, owner_id: 1 }) : JSON.stringify({ title: "no", status });
    const headers: Record<string, string> = { "content-type": ok ? "application/json" : "application/problem+json", ...(ok ? {} : extra) };
    return new Response(body, { status, headers });
  };
  return { client: new Client({ baseURL: "http://example.invalid", fetch, maxRetries: 2, ...options }), seen };
}

async function main(): Promise<void> {
  let run = scripted([429, 200], { "retry-after": "0" });
  check((await run.client.system.getHealth()).status === "ok" && run.seen.length === 2, "429 + Retry-After retried");

  run = scripted([503, 502, 200], { "retry-after-ms": "1" });
  await run.client.system.getHealth();
  check(run.seen.length === 3, "5xx retried twice");
  check(run.seen[2]?.headers.get("x-retry-count") === "2", "retry count header");

  run = scripted([500], { "retry-after-ms": "1" });
  try {
    await run.client.system.getHealth();
    check(false, "gives up after maxRetries");
  } catch (error) {
    check(error instanceof APIError && error.status === 500, "APIError 500 after retries");
    check(run.seen.length === 3, "1 + maxRetries attempts");
  }

  run = scripted([408, 200], { "retry-after-ms": "1" });
  await run.client.system.getHealth();
  check(run.seen.length === 2, "408 retried");

  run = scripted([503, 200], { "x-should-retry": "false" });
  await run.client.system.getHealth().catch(() => undefined);
  check(run.seen.length === 1, "x-should-retry: false respected");

  run = scripted([503, 200], { "retry-after-ms": "1" });
  await run.client.items.createItem({ body: { name: "x", price_cents: 1 } });
  const made = run.seen.map((s) => s.headers.get("idempotency-key"));
  check(run.seen.length === 2 && made[0]?.startsWith("sdk-retry-") === true && made[0] === made[1], "POST without idempotencyKey: one made per call, retried with it");
  check(run.seen.map((s) => s.headers.get("x-retry-count")).join() === "0,1", "retry count on every attempt");
  check(/^item-store-api\/\S+ \(typescript; fetch\)$/.test(run.seen[0]?.headers.get("user-agent") ?? ""), "User-Agent names the SDK");

  run = scripted([503, 200], { "retry-after-ms": "1" });
  const options: RequestOptions = { idempotencyKey: "key-1" };
  await run.client.items.createItem({ body: { name: "x", price_cents: 1 }, ...options });
  check(run.seen.length === 2, "POST with idempotencyKey retried");
  check(run.seen.every((s) => s.headers.get("idempotency-key") === "key-1"), "same Idempotency-Key on every attempt");

  run = scripted([503, 200], { "retry-after-ms": "1" });
  await run.client.items.updateItem(1, { body: { price_cents: 2 } }).catch(() => undefined);
  check(run.seen.length === 2, "PATCH without idempotencyKey retried with a key made for it");

  run = scripted([503, 200], { "retry-after-ms": "1" });
  await run.client.items.deleteItem(1);
  check(run.seen.length === 2, "DELETE retried");

  run = scripted([503, 200], { "retry-after-ms": "1" });
  await run.client.system.getHealth({ maxRetries: 0 }).catch(() => undefined);
  check(run.seen.length === 1, "per-call maxRetries: 0");

  run = scripted([503], { "retry-after-ms": "1" }, { apiKey: "key-1", defaultHeaders: { "x-a": "a", "x-b": "b" } });
  const quick = run.client.withOptions({ maxRetries: 0, defaultHeaders: { "x-b": "B", "x-c": "C" } });
  check(quick instanceof Client && quick !== run.client && quick.items !== run.client.items, "withOptions: a new Client");
  await quick.exports.exportItems().catch(() => undefined);
  check(run.seen.length === 1, "withOptions({ maxRetries: 0 }): no retry");
  const sent = run.seen[0]?.headers;
  check(sent?.get("x-a") === "a" && sent.get("x-b") === "B" && sent.get("x-c") === "C", "withOptions: headers added, new wins");
  check(sent?.get("x-api-key") === "key-1", "withOptions: the copy starts with the credentials");
  quick.setCredential("api_key", "key-2");
  await run.client.exports.exportItems().catch(() => undefined);
  check(run.seen.length === 4, "the original still retries twice");
  const original = run.seen[3]?.headers;
  check(original?.get("x-api-key") === "key-1" && original.get("x-c") === null, "the original keeps its key and headers");
  await quick.exports.exportItems({ maxRetries: 1 }).catch(() => undefined);
  check(run.seen.length === 6 && run.seen[5]?.headers.get("x-api-key") === "key-2", "per-call options on the copy");

  // a fetch that answers only when aborted: the copy's timeout ends the call, the original's is untouched
  const hanging = (_url: string, init: RequestInit): Promise<Response> =>
    new Promise((_resolve, reject) => init.signal?.addEventListener("abort", () => reject(new Error("aborted"))));
  const patient = new Client({ baseURL: "http://example.invalid", fetch: hanging, maxRetries: 0 });
  const hasty = patient.withOptions({ timeout: 20 });
  const started = Date.now();
  const failure = await hasty.system.getHealth().then(() => undefined, (error: unknown) => error);
  check(failure instanceof APITimeoutError && Date.now() - started < 5000, "withOptions({ timeout }) times out");
  check(patient.timeout === 60000 && hasty.timeout === 20 && hasty.maxRetries === 0, "timeouts kept apart");
  let refused: unknown;
  try {
    patient.withOptions({ maxRetries: -1 });
  } catch (error) {
    refused = error;
  }
  check(refused instanceof SDKError, "withOptions({ maxRetries: -1 }) is refused");
  const moved = patient.withOptions({ baseURL: "http://other.invalid/" });
  check(moved.baseURL === "http://other.invalid" && patient.baseURL === "http://example.invalid", "withOptions({ baseURL })");
  console.log("all retry checks passed");
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
