// Every operation of the example service through the generated TypeScript SDK, installed from its npm pack.
// Compiled with `tsc --strict` against the package's own .d.ts files (so the types are checked as a user
// sees them), then run by tests/sdk/test_typescript.py: `node drive.js BASE_URL API_KEY`.
// Exits non-zero on the first mismatch; prints one line per checked step.

import {
  APIConnectionError,
  APIError,
  Client,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  isDeclaredError,
  UnauthorizedError,
  UnprocessableEntityError,
  type ItemOut,
} from "item-store-api";

declare const process: { argv: string[]; exitCode: number | undefined };

function check(condition: unknown, what: string): void {
  if (!condition) throw new Error(`FAILED: ${what}`);
  console.log(`ok: ${what}`);
}

async function expectError<E extends Error>(
  cls: abstract new (...args: never[]) => E,
  call: () => PromiseLike<unknown>,
  what: string,
): Promise<E> {
  try {
    await call();
  } catch (error) {
    if (error instanceof cls) {
      console.log(`ok: ${what}`);
      return error;
    }
    throw new Error(`FAILED: ${what}: got ${String(error)}`);
  }
  throw new Error(`FAILED: ${what}: nothing thrown`);
}

function png(): Uint8Array {
  // the smallest valid PNG (1x1, grey)
  const b64 =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNoAAAAggCBd81ytgAAAABJRU5ErkJggg==";
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

async function main(): Promise<void> {
  const [base, apiKey] = process.argv.slice(2);
  if (base === undefined || apiKey === undefined) throw new Error("usage: node drive.js BASE_URL API_KEY");
  const email = `ts-${Math.random().toString(16).slice(2, 10)}@example.com`;
  const client = new Client({ baseURL: base, apiKey });

  const health = await client.system.getHealth();
  check(health.status === "ok", "getHealth");

  const user = await client.users.createUser({
    body: { email, display_name: "TS", password: "ts-password" },
  });
  check(user.email === email && typeof user.id === "number", "createUser");
  const conflict = await expectError(
    ConflictError,
    () => client.users.createUser({ body: { email, display_name: "A", password: "x".repeat(10) } }),
    "409 ConflictError",
  );
  check(conflict.status === 409 && conflict instanceof APIError, "409 status and APIError base");
  check((conflict.body as { status?: number }).status === 409, "409 problem body parsed");
  const unauthorized = await expectError(UnauthorizedError, () => client.users.getCurrentUser(), "401 without token");
  check(unauthorized.headers.get("www-authenticate") !== null, "401 headers");

  const token = await client.login(email, "ts-password");
  check(typeof token.access_token === "string", "login (password flow)");
  const me = await client.users.getCurrentUser();
  check(me.id === user.id, "getCurrentUser");
  const renamed = await client.users.updateCurrentUser({ body: { display_name: "Renamed" } });
  check(renamed.display_name === "Renamed", "updateCurrentUser");

  const formToken = await client.auth.createToken({
    body: { grant_type: "password", username: email, password: "ts-password" },
  });
  check(formToken.token_type === "bearer", "createToken (form body)");
  const other = new Client({ baseURL: base, bearerToken: formToken.access_token });
  check((await other.users.getCurrentUser()).email === email, "bearerToken option");

  const created: ItemOut[] = [];
  for (let n = 0; n < 5; n++) {
    created.push(
      await client.items.createItem({
        body: { name: `Lamp ${n}`, price_cents: 100 + n, tags: ["lighting"] },
        idempotencyKey: `create-${email}-${n}`,
      }),
    );
  }
  const [first, second, third, , fifth] = created;
  if (!first || !second || !third || !fifth) throw new Error("FAILED: createItem x5");
  check(created.length === 5, "createItem x5");
  const got = await client.items.getItem(first.id);
  check(got.name === "Lamp 0" && got.currency === "EUR", "getItem");
  const missing = await expectError(NotFoundError, () => client.items.getItem(2_000_000_000), "404 NotFoundError");
  // typed bodies: `body` is the contract's Problem (or the text of a non-JSON answer) and `status` the
  // literal 404, checked by tsc --strict
  const problem = missing.body;
  if (typeof problem !== "object") throw new Error(`FAILED: 404 body is not a Problem: ${problem}`);
  const title: string = problem.title;
  const notFound: 404 = missing.status;
  check(notFound === 404 && problem.status === 404 && title.length > 0, `404 typed body (${title})`);
  // @ts-expect-error: a Problem has no such field, so the body is not `any`
  void problem.no_such_field;
  // @ts-expect-error: a NotFoundError's status is 404, not any number
  const wrongStatus: 500 = missing.status;
  void wrongStatus;
  try {
    await client.items.updateItem(2_000_000_000, { body: { price_cents: 1 } });
    throw new Error("FAILED: updateItem of a missing item did not throw");
  } catch (error) {
    if (!isDeclaredError(error)) throw error;
    switch (error.status) {
      case 404: {
        const narrowed: NotFoundError = error; // the status alone narrows the union to the class
        const body = narrowed.body;
        check(typeof body === "object" && body.title !== "" && !(error instanceof ConflictError), "switch on status narrows");
        break;
      }
      default:
        throw new Error(`FAILED: updateItem of a missing item: ${error.status} ${JSON.stringify(error.body)}`);
    }
  }
  const undeclared = await expectError(
    APIError,
    () => client.request<unknown>({ method: "DELETE", path: "/api/v1/health", security: [], response: "json" }),
    "405 (declared nowhere): APIError",
  );
  check(undeclared.status === 405 && !isDeclaredError(undeclared), "an undeclared status is a plain APIError");
  await expectError(
    UnprocessableEntityError,
    () => client.items.createItem({ body: { name: "", price_cents: -1 } }),
    "422 UnprocessableEntityError",
  );
  const updated = await client.items.updateItem(second.id, { body: { price_cents: 999 } });
  check(updated.price_cents === 999, "updateItem");
  const note = await client.items.addItemNote(first.id, { body: { kind: "text", text: "Hi" } });
  check(note.kind === "text" && note.text === "Hi", "addItemNote (text)");
  const link = await client.items.addItemNote(first.id, { body: { kind: "link", url: "https://example.com/" } });
  check(link.kind === "link" && link.url === "https://example.com/", "addItemNote (link)");

  const page = await client.items.listItems({ q: "Lamp", limit: 2, sort: "name" });
  check(page.items.length === 2 && page.next_offset === 2, "listItems (one page)");
  const everything: ItemOut[] = [];
  for await (const item of client.items.listItemsIter({ q: "Lamp", limit: 2 })) everything.push(item);
  check(everything.length >= 5, `listItemsIter over pages (${everything.length} items)`);
  const { data, response } = await client.items.listItems({ limit: 1 }).withResponse();
  check(response.status === 200 && Number(response.headers.get("x-total-count")) >= 5, "withResponse headers");
  check(data.items.length === 1, "withResponse data");

  const image = png();
  const attachment = await client.files.uploadItemImage(first.id, {
    body: { file: new Blob([image], { type: "image/png" }), caption: "blob" },
  });
  check(attachment.content_type === "image/png" && attachment.size === image.length, "uploadItemImage (Blob)");
  check(attachment.caption === "blob", "uploadItemImage caption");

  const csv = await client.exports.exportItems({ currency: "EUR" });
  const lines = csv.trim().split(/\r?\n/);
  check(lines[0]?.startsWith("id,") === true && lines.length >= 6, `exportItems with the API key (${lines.length} lines)`);
  await expectError(UnauthorizedError, () => new Client({ baseURL: base }).exports.exportItems(), "401 without key");

  const stream = await client.events.streamEvents({ limit: 5 });
  const events = [];
  for await (const event of stream) events.push(event);
  check(events.length >= 1 && events[0]?.event === "item", `streamEvents (${events.length} events)`);
  const payload = JSON.parse(events[0]?.data ?? "{}") as { type?: string };
  check(["created", "updated", "deleted"].includes(payload.type ?? ""), "event data as JSON");

  const intruder = new Client({ baseURL: base });
  const otherEmail = `ts2-${Math.random().toString(16).slice(2, 10)}@example.com`;
  await intruder.users.createUser({ body: { email: otherEmail, display_name: "B", password: "other-password" } });
  await intruder.login(otherEmail, "other-password");
  await expectError(
    ForbiddenError,
    () => intruder.items.updateItem(third.id, { body: { price_cents: 1 } }),
    "403 ForbiddenError (someone else's item)",
  );

  await client.items.deleteItem(fifth.id);
  await expectError(NotFoundError, () => client.items.getItem(fifth.id), "deleteItem");

  // retries: a refused connection is retried maxRetries times, then APIConnectionError
  const started = Date.now();
  const dead = new Client({ baseURL: "http://127.0.0.1:9", maxRetries: 1 });
  await expectError(APIConnectionError, () => dead.system.getHealth(), "connection error after a retry");
  check(Date.now() - started >= 300, "backoff waited before retrying");
  console.log("all operations passed");
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
