// The SDK's hand-written core, copied verbatim into every generated TypeScript SDK by contractkit.
// No runtime dependencies: the global fetch, Headers, FormData, Blob, URLSearchParams and AbortController.

import {
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT_MS,
  IDEMPOTENCY_HEADER,
  IDEMPOTENCY_KEY_PREFIX,
  IDEMPOTENT_METHODS,
  INITIAL_RETRY_DELAY_MS,
  JITTER,
  MAX_RETRY_AFTER_MS,
  MAX_RETRY_DELAY_MS,
  RETRY_COUNT_HEADER,
  RETRY_STATUSES,
  SHOULD_RETRY_HEADER,
} from "./policy.js";

export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** Options every method takes (merged into its params object). */
export interface RequestOptions {
  /** Extra headers for this call. */
  headers?: Record<string, string>;
  /** Milliseconds before the attempt is abandoned (and retried). */
  timeout?: number;
  /** How many times to retry; the client's maxRetries by default. */
  maxRetries?: number;
  /** Aborts the call. */
  signal?: AbortSignal;
  /** Sent as the Idempotency-Key header of a POST or PATCH (one is made per call when absent). */
  idempotencyKey?: string;
}

export interface BaseClientOptions {
  /** The service's root URL, e.g. `https://api.example.com`. */
  baseURL?: string;
  /** Milliseconds per attempt (default 60000). */
  timeout?: number;
  /** Retries after the first attempt (default 2). */
  maxRetries?: number;
  /** Headers sent with every request. */
  defaultHeaders?: Record<string, string>;
  /** A fetch implementation; the global fetch by default. */
  fetch?: Fetch;
}

export type Security = "bearer" | "apiKeyHeader" | "apiKeyQuery" | "apiKeyCookie" | "basic";

export interface SchemeSpec {
  kind: Security;
  /** The header, query or cookie name for API keys. */
  parameter?: string;
}

export type BodyKind = "json" | "form" | "multipart" | "text" | "binary";
export type ResponseKind = "json" | "empty" | "text" | "bytes" | "events";

export interface Operation {
  method: string;
  path: string;
  /** Wire name -> value; arrays repeat the key unless listed in `unexploded`. */
  query?: Record<string, unknown>;
  unexploded?: readonly string[];
  headers?: Record<string, unknown>;
  cookies?: Record<string, unknown>;
  body?: { kind: BodyKind; contentType: string; value: unknown } | undefined;
  /** Alternatives (OR) of scheme names that must all be present (AND); empty: public. */
  security: readonly (readonly string[])[];
  response: ResponseKind;
  /** The success statuses the contract declares ("200", "2XX", "default"); another one is an error. */
  statuses?: readonly string[];
  options?: RequestOptions | undefined;
}

// -- errors -------------------------------------------------------------------------------------------

export class SDKError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A response with a status the operation did not expect to succeed with. The classes the contract
 * declares (errors.ts) narrow `status` to their literal status and `body` to the declared type.
 */
export class APIError<TStatus extends number = number, TBody = unknown> extends SDKError {
  readonly status: TStatus;
  /** The parsed JSON, else the text; undefined when the response had no body. */
  readonly body: TBody;
  readonly headers: Headers;

  constructor(status: TStatus, body: TBody, headers: Headers, message?: string) {
    super(message ?? APIError.describe(status, body));
    this.status = status;
    this.body = body;
    this.headers = headers;
  }

  static describe(status: number, body: unknown): string {
    if (body !== null && typeof body === "object") {
      const record = body as Record<string, unknown>;
      const text = [record["title"], record["detail"]].filter((v) => typeof v === "string").join(": ");
      if (text) return `${status} ${text}`;
    }
    return typeof body === "string" && body ? `${status} ${body.slice(0, 200)}` : `${status} status code`;
  }
}

/** The standard classes, by status (a declared status's class in errors.ts extends its standard one). */
export class BadRequestError<TBody = unknown> extends APIError<400, TBody> {}
export class AuthenticationError<TBody = unknown> extends APIError<401, TBody> {}
export class PermissionDeniedError<TBody = unknown> extends APIError<403, TBody> {}
export class NotFoundError<TBody = unknown> extends APIError<404, TBody> {}
export class ConflictError<TBody = unknown> extends APIError<409, TBody> {}
export class UnprocessableEntityError<TBody = unknown> extends APIError<422, TBody> {}
export class RateLimitError<TBody = unknown> extends APIError<429, TBody> {}
export class InternalServerError<TBody = unknown, TStatus extends number = number> extends APIError<TStatus, TBody> {}

/** The standard error for a status the contract declares nothing for: the class above, else APIError. */
export function standardError(status: number, body: unknown, headers: Headers): APIError {
  switch (status) {
    case 400:
      return new BadRequestError(status, body, headers);
    case 401:
      return new AuthenticationError(status, body, headers);
    case 403:
      return new PermissionDeniedError(status, body, headers);
    case 404:
      return new NotFoundError(status, body, headers);
    case 409:
      return new ConflictError(status, body, headers);
    case 422:
      return new UnprocessableEntityError(status, body, headers);
    case 429:
      return new RateLimitError(status, body, headers);
  }
  return status >= 500 ? new InternalServerError(status, body, headers) : new APIError(status, body, headers);
}

/**
 * The server answered, but not as the contract says this call answers: a status it does not declare
 * (an undeclared 201, a 302 not followed), a body that is not the declared JSON, or a redirect loop
 * (then `response` is undefined: fetch ends it without one).
 */
export class APIResponseValidationError extends SDKError {
  readonly status: number | undefined;
  /** The body's text (undefined when empty or not read). */
  readonly body: string | undefined;

  constructor(
    message: string,
    readonly response: Response | undefined,
    body?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = response?.status;
    this.body = body === "" ? undefined : body;
  }
}

/** The request never got a response (DNS, refused connection, reset, ...). */
export class APIConnectionError extends SDKError {}

/** An attempt took longer than the timeout. */
export class APITimeoutError extends APIConnectionError {}

/** The caller aborted the request through its signal. */
export class APIUserAbortError extends SDKError {}

// -- responses ----------------------------------------------------------------------------------------

export interface WithResponse<T> {
  data: T;
  response: Response;
}

/** A promise of the parsed result that also gives the raw Response: `.withResponse()`, `.asResponse()`. */
export class APIPromise<T> implements PromiseLike<T> {
  private parsed: Promise<T> | undefined;

  constructor(private readonly raw: Promise<WithResponse<T>>) {}

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.parsed ??= this.raw.then((r) => r.data);
    return this.parsed.then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.then(undefined, onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<T> {
    return this.then().finally(onfinally);
  }

  /** The parsed result and the Response it came from (its body already read, except for streams). */
  withResponse(): Promise<WithResponse<T>> {
    return this.raw;
  }

  /** The Response alone. */
  asResponse(): Promise<Response> {
    return this.raw.then((r) => r.response);
  }
}

export interface ServerSentEvent {
  event: string;
  data: string;
  id?: string;
  retry?: number;
}

/** Server-Sent Events as they arrive: `for await (const event of stream)`. */
export class EventStream implements AsyncIterable<ServerSentEvent> {
  constructor(readonly response: Response) {}

  async *[Symbol.asyncIterator](): AsyncIterator<ServerSentEvent> {
    const body = this.response.body;
    if (body === null) return;
    const decoder = new TextDecoder();
    const reader = body.getReader();
    let buffer = "";
    let event: ServerSentEvent = { event: "message", data: "" };
    let hasData = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
        let match: RegExpExecArray | null;
        const lineBreak = /\r\n|\r|\n/;
        while ((match = lineBreak.exec(buffer)) !== null) {
          if (match[0] === "\r" && match.index === buffer.length - 1 && !done) break;
          const line = buffer.slice(0, match.index);
          buffer = buffer.slice(match.index + match[0].length);
          if (line === "") {
            if (hasData) yield event;
            event = { event: "message", data: "" };
            hasData = false;
            continue;
          }
          if (line.startsWith(":")) continue;
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          let value = colon < 0 ? "" : line.slice(colon + 1);
          if (value.startsWith(" ")) value = value.slice(1);
          if (field === "data") {
            event.data = hasData ? `${event.data}\n${value}` : value;
            hasData = true;
          } else if (field === "event") event.event = value;
          else if (field === "id") event.id = value;
          else if (field === "retry" && /^\d+$/.test(value)) event.retry = Number(value);
        }
        if (done) break;
      }
      if (hasData) yield event;
    } finally {
      reader.releaseLock();
      await body.cancel().catch(() => undefined);
    }
  }
}

// -- pagination ---------------------------------------------------------------------------------------

export interface OffsetPage<T> {
  items: T[];
  next_offset?: number | null;
}

/** Every item of every page, fetching the next page only when the previous one is used up. */
export async function* paginate<T>(
  fetchPage: (offset: number | undefined) => PromiseLike<OffsetPage<T>>,
  start?: number,
): AsyncGenerator<T, void, undefined> {
  let offset = start;
  for (;;) {
    const page = await fetchPage(offset);
    yield* page.items;
    const next = page.next_offset;
    // a server that answers the offset it was asked for again would send the walk round forever
    if (next === null || next === undefined || page.items.length === 0 || next === (offset ?? 0)) return;
    offset = next;
  }
}

// -- the client -----------------------------------------------------------------------------------------

/** How long to wait before retry number `retry` (0-based): the server's Retry-After, else backoff + jitter.
 * A Retry-After above the cap is ignored (the computed backoff instead), as in the Python SDK. */
export function retryDelay(retry: number, headers: Headers | undefined): number {
  const ms = headers?.get("retry-after-ms")?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) {
    const value = Number(ms);
    if (value <= MAX_RETRY_AFTER_MS) return value;
  }
  const after = headers?.get("retry-after")?.trim();
  if (after) {
    let value = /^-?\d+(\.\d+)?$/.test(after) ? Number(after) * 1000 : Date.parse(after) - Date.now();
    if (Number.isFinite(value)) {
      value = Math.max(0, value);
      if (value <= MAX_RETRY_AFTER_MS) return value;
    }
  }
  const backoff = Math.min(INITIAL_RETRY_DELAY_MS * 2 ** retry, MAX_RETRY_DELAY_MS);
  return backoff * (1 - Math.random() * JITTER);
}

/** True when an error answer should be tried again: `x-should-retry` if sent, else its status. */
export function retryResponse(status: number, headers: Headers): boolean {
  const steer = headers.get(SHOULD_RETRY_HEADER)?.trim().toLowerCase();
  if (steer === "true" || steer === "false") return steer === "true";
  return RETRY_STATUSES.includes(status) || status >= 500;
}

function newIdempotencyKey(): string {
  const random = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto?.randomUUID;
  const uuid =
    random !== undefined
      ? random.call((globalThis as { crypto?: unknown }).crypto)
      : "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, (c) => {
          const r = (Math.random() * 16) | 0;
          return (c === "x" ? r : (r & 0x3) | 0x8).toString(16);
        });
  return IDEMPOTENCY_KEY_PREFIX + uuid;
}

function declared(statuses: readonly string[] | undefined, status: number): boolean {
  if (statuses === undefined) return status >= 200 && status < 300;
  return (
    statuses.includes(String(status)) || statuses.includes(`${Math.floor(status / 100)}XX`) || statuses.includes("default")
  );
}

function redirectLoop(error: unknown): boolean {
  const cause = (error as { cause?: { message?: unknown } } | null)?.cause;
  return typeof cause?.message === "string" && /redirect count exceeded/i.test(cause.message);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new APIUserAbortError("Request was aborted"));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new APIUserAbortError("Request was aborted"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function scalar(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  return String(value);
}

function encodeCookie(value: string): string {
  return encodeURIComponent(value);
}

function isBinary(value: unknown): value is Blob | ArrayBuffer | ArrayBufferView {
  return value instanceof Blob || value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

function toBlob(value: Blob | ArrayBuffer | ArrayBufferView, type?: string): Blob {
  if (value instanceof Blob) return value;
  const part: BlobPart =
    value instanceof ArrayBuffer
      ? value
      : new Uint8Array(value.buffer as ArrayBuffer, value.byteOffset, value.byteLength);
  return new Blob([part], type ? { type } : {});
}

export abstract class BaseClient {
  baseURL: string;
  timeout: number;
  maxRetries: number;
  defaultHeaders: Record<string, string>;
  protected readonly credentials = new Map<string, string>();
  private readonly fetchImpl: Fetch;

  constructor(options: BaseClientOptions, defaultBaseURL: string | undefined, userAgent?: string) {
    const baseURL = options.baseURL ?? defaultBaseURL;
    if (baseURL === undefined) throw new SDKError("baseURL is required: the contract names no absolute server");
    this.baseURL = baseURL.replace(/\/+$/, "");
    this.timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    if (!(this.timeout > 0)) throw new SDKError(`timeout must be a number of milliseconds above 0, not ${this.timeout}`);
    if (!Number.isInteger(this.maxRetries) || this.maxRetries < 0)
      throw new SDKError(`maxRetries must be a whole number, 0 or more, not ${this.maxRetries}`);
    // fetch sends `node` (undici) otherwise; browsers keep their own (User-Agent is theirs to set)
    this.defaultHeaders = { ...(userAgent !== undefined ? { "User-Agent": userAgent } : {}), ...(options.defaultHeaders ?? {}) };
    const fetchImpl = options.fetch ?? (globalThis.fetch as Fetch | undefined);
    if (fetchImpl === undefined) throw new SDKError("no global fetch: pass `fetch` in the client options");
    this.fetchImpl = fetchImpl;
  }

  /**
   * A copy of this client with other defaults: `client.withOptions({ timeout: 2000, maxRetries: 0 })`.
   *
   * The copy has the same fetch (and base URL, unless `baseURL` is given) and starts with this client's
   * credentials (a later `login` or `setCredential` on either one does not reach the other); `defaultHeaders` are added to this
   * client's (same name: the new value wins). It is built by this class's constructor with base options
   * only, so a subclass whose constructor needs more must override this method.
   */
  withOptions(options: Pick<BaseClientOptions, "baseURL" | "timeout" | "maxRetries" | "defaultHeaders">): this {
    const make = this.constructor as new (options: BaseClientOptions) => this;
    const copy = new make({
      baseURL: options.baseURL ?? this.baseURL,
      timeout: options.timeout ?? this.timeout,
      maxRetries: options.maxRetries ?? this.maxRetries,
      defaultHeaders: { ...this.defaultHeaders, ...(options.defaultHeaders ?? {}) },
      fetch: this.fetchImpl,
    });
    for (const [scheme, value] of this.credentials) copy.credentials.set(scheme, value);
    return copy;
  }

  /** The security schemes the contract declares, by name. */
  protected abstract readonly schemes: Readonly<Record<string, SchemeSpec>>;

  /** The typed error for a status (one class per status the contract declares). */
  protected abstract makeError(status: number, body: unknown, headers: Headers): APIError;

  /** Sets (or with `undefined` removes) the credential of one security scheme. */
  setCredential(scheme: string, value: string | undefined): void {
    if (value === undefined) this.credentials.delete(scheme);
    else this.credentials.set(scheme, value);
  }

  /** The full URL of a path, with path parameters already substituted. */
  buildURL(path: string, query: Record<string, unknown> | undefined, unexploded: readonly string[] = []): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null) continue;
      if (Array.isArray(value)) {
        if (unexploded.includes(key)) params.append(key, value.map(scalar).join(","));
        else for (const v of value) params.append(key, scalar(v));
      } else params.append(key, scalar(value));
    }
    const search = params.toString();
    const base = /^https?:\/\//i.test(path) ? path : this.baseURL + path;
    return base + (search ? (base.includes("?") ? "&" : "?") + search : "");
  }

  /** Percent-encodes one path parameter. */
  static pathParam(value: unknown): string {
    return encodeURIComponent(scalar(value));
  }

  request<T>(op: Operation): APIPromise<T> {
    return new APIPromise<T>(this.send<T>(op));
  }

  private applySecurity(op: Operation, headers: Headers, query: Record<string, unknown>, cookies: string[]): void {
    for (const alternative of op.security) {
      if (!alternative.every((name) => this.credentials.has(name))) continue;
      for (const name of alternative) {
        const scheme = this.schemes[name];
        const value = this.credentials.get(name);
        if (scheme === undefined || value === undefined) continue;
        if (scheme.kind === "bearer") headers.set("Authorization", `Bearer ${value}`);
        else if (scheme.kind === "basic") headers.set("Authorization", `Basic ${btoa(value)}`);
        else if (scheme.kind === "apiKeyHeader") headers.set(scheme.parameter ?? "", value);
        else if (scheme.kind === "apiKeyQuery") query[scheme.parameter ?? ""] = value;
        else cookies.push(`${scheme.parameter ?? ""}=${encodeCookie(value)}`);
      }
      return;
    }
  }

  private encodeBody(op: Operation, headers: Headers): BodyInit | undefined {
    const body = op.body;
    if (body === undefined || body.value === undefined) return undefined;
    const value = body.value;
    switch (body.kind) {
      case "json":
        headers.set("Content-Type", body.contentType);
        return JSON.stringify(value);
      case "form": {
        headers.set("Content-Type", body.contentType);
        const form = new URLSearchParams();
        for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
          if (v === undefined || v === null) continue;
          if (Array.isArray(v)) for (const each of v) form.append(key, scalar(each));
          else form.append(key, scalar(v));
        }
        return form;
      }
      case "multipart": {
        // the Content-Type (with its boundary) is set by fetch
        if (value instanceof FormData) return value;
        const form = new FormData();
        for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
          if (v === undefined || v === null) continue;
          for (const each of Array.isArray(v) ? (v as unknown[]) : [v]) {
            if (isBinary(each)) {
              const blob = toBlob(each);
              const name = typeof File !== "undefined" && blob instanceof File ? blob.name : key;
              form.append(key, blob, name);
            } else form.append(key, scalar(each));
          }
        }
        return form;
      }
      case "text":
        headers.set("Content-Type", body.contentType);
        return String(value);
      case "binary":
        headers.set("Content-Type", body.contentType);
        return isBinary(value) ? toBlob(value, body.contentType) : String(value);
    }
  }

  private async send<T>(op: Operation): Promise<WithResponse<T>> {
    let options = op.options ?? {};
    if (options.idempotencyKey === undefined && !IDEMPOTENT_METHODS.includes(op.method.toUpperCase())) {
      // made once per call, so every attempt carries the same key and the server can do the work once
      options = { ...options, idempotencyKey: newIdempotencyKey() };
    }
    const maxRetries = options.maxRetries ?? this.maxRetries;
    for (let retry = 0; ; retry++) {
      const query: Record<string, unknown> = { ...(op.query ?? {}) };
      const headers = new Headers(this.defaultHeaders);
      headers.set("Accept", op.response === "events" ? "text/event-stream" : "application/json, */*;q=0.5");
      const cookies: string[] = [];
      for (const [key, value] of Object.entries(op.cookies ?? {})) {
        if (value !== undefined && value !== null) cookies.push(`${key}=${encodeCookie(scalar(value))}`);
      }
      for (const [key, value] of Object.entries(op.headers ?? {})) {
        if (value !== undefined && value !== null) headers.set(key, Array.isArray(value) ? value.map(scalar).join(",") : scalar(value));
      }
      this.applySecurity(op, headers, query, cookies);
      if (cookies.length) headers.set("Cookie", cookies.join("; "));
      if (options.idempotencyKey !== undefined) headers.set(IDEMPOTENCY_HEADER, options.idempotencyKey);
      headers.set(RETRY_COUNT_HEADER, String(retry));
      for (const [key, value] of Object.entries(options.headers ?? {})) headers.set(key, value);
      const body = this.encodeBody(op, headers);
      const url = this.buildURL(op.path, query, op.unexploded);

      // one timer per attempt, covering the headers *and* the body (cleared once the body is read;
      // an event stream is the caller's to read, so its timer stops at the headers)
      const controller = new AbortController();
      const onAbort = (): void => controller.abort();
      options.signal?.addEventListener("abort", onAbort, { once: true });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, options.timeout ?? this.timeout);
      const done = (): void => {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
      };
      let response: Response | undefined;
      try {
        if (options.signal?.aborted) throw new APIUserAbortError("Request was aborted");
        response = await this.fetchImpl(url, { method: op.method, headers, body: body ?? null, signal: controller.signal });
        if (!response.ok && response.status >= 400) {
          if (retryResponse(response.status, response.headers) && retry < maxRetries) {
            done();
            await response.body?.cancel().catch(() => undefined);
            await sleep(retryDelay(retry, response.headers), options.signal);
            continue;
          }
          const text = await response.text();
          done();
          let parsed: unknown = text === "" ? undefined : text;
          if (/json/i.test(response.headers.get("content-type") ?? "") && text) {
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = text;
            }
          }
          throw this.makeError(response.status, parsed, response.headers);
        }
        if (!declared(op.statuses, response.status)) {
          const text = await response.text().catch(() => "");
          done();
          const what = response.status >= 300 && response.status < 400 ? ": a redirect not followed" : "";
          throw new APIResponseValidationError(
            `${response.status} is not a status ${op.method} ${op.path} answers with${what}`,
            response,
            text,
          );
        }
        if (op.response === "events") {
          done();
          return { data: new EventStream(response) as T, response };
        }
        const data = (await this.parse(op.response, response)) as T;
        done();
        return { data, response };
      } catch (error) {
        done();
        if (error instanceof SDKError) throw error;
        if (options.signal?.aborted && !timedOut) {
          throw new APIUserAbortError("Request was aborted", { cause: error });
        }
        if (redirectLoop(error)) {
          throw new APIResponseValidationError(`too many redirects: ${op.method} ${url}`, undefined, undefined, { cause: error });
        }
        const failure = timedOut
          ? new APITimeoutError(`Request timed out: ${op.method} ${url}`, { cause: error })
          : new APIConnectionError(`Connection error: ${op.method} ${url}`, { cause: error });
        if (retry < maxRetries) {
          await sleep(retryDelay(retry, undefined), options.signal);
          continue;
        }
        throw failure;
      }
    }
  }

  private async parse(kind: ResponseKind, response: Response): Promise<unknown> {
    switch (kind) {
      case "empty":
        await response.body?.cancel().catch(() => undefined);
        return undefined;
      case "json": {
        const text = await response.text();
        if (!text) return undefined;
        try {
          return JSON.parse(text) as unknown;
        } catch (error) {
          const type = (response.headers.get("content-type") ?? "?").split(";")[0];
          throw new APIResponseValidationError(`${response.status}: the body is not JSON (${type})`, response, text, {
            cause: error,
          });
        }
      }
      case "text":
        return response.text();
      case "bytes":
        return new Uint8Array(await response.arrayBuffer());
      case "events":
        return new EventStream(response);
    }
  }
}
