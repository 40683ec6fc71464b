"""Breaking changes between two versions of a contract, as data: `diff_specs(old, new) -> list[Change]`.

The point of view is a client written against OLD: every change is breaking (that client fails), a
warning (it may fail, or its generated SDK changes shape) or compatible. This module compares what
surrounds the schemas (operations, parameters, bodies, responses, security, servers); `diff_schemas`
compares the schemas themselves, where the direction (request or response) decides the severity.

Both documents are bundled and normalised by the generator's own loader first (3.1 shape, local refs only),
so `nullable` is `type: [..., "null"]` here, and a schema moved into `components` or a component renamed
with the same content compares equal: refs are followed on both sides, never compared as strings.

Operations are matched by method and path template modulo parameter names (`/items/{id}` is
`/items/{itemId}`). This module is pure: documents in, changes out. Loading (files, `GIT_REF:path`) is
`diff_load`; output and exit status are `diff_report`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .diagnostics import join_pointer
from .diff_schemas import (
    DOC_KEYS,
    Direction,
    Document,
    Finding,
    SchemaDiff,
    Severity,
    Side,
    as_mapping,
    resolve,
)
from .extensions import without_extensions
from .validate import HTTP_METHODS, PATH_TEMPLATE

__all__ = ["Change", "Severity", "diff_specs", "failing", "info_version", "major_bump", "semver_major"]


@dataclass(frozen=True)
class Change:
    """One difference a client of OLD may care about.

    `pointer` is a JSON pointer into NEW, or into OLD when `side` is "old" (something removed: it only
    exists there). `location` ("FILE:LINE") is filled in by whoever holds the loaded files. `reason` is
    `context: message`: where the operation reaches the change (`response 200, `data[].status``), then
    the change itself, the same for every operation that reaches it (what `diff_groups` groups by).
    """

    severity: Severity
    rule: str
    operation: str  # "POST /api/v1/items", or "-" for changes to the whole contract
    pointer: str
    reason: str
    side: Side = "new"
    location: str | None = None
    context: str = ""  # empty when the change is the operation's (or the contract's) own

    @property
    def message(self) -> str:
        """The change itself, without where the operation reaches it."""
        prefix = f"{self.context}: "
        return self.reason[len(prefix) :] if self.context and self.reason.startswith(prefix) else self.reason


def diff_specs(old: Document, new: Document) -> list[Change]:
    """Every change from `old` to `new`, global ones first, then operation by operation (NEW's order)."""
    schemas = SchemaDiff(old, new)
    changes = _global_changes(old, new)
    old_ops = _operations(old)
    new_ops = _operations(new)
    for key, after in new_ops.items():
        before = old_ops.get(key)
        if before is None:
            changes.append(
                Change(Severity.COMPATIBLE, "operation-added", after.label, after.pointer, "new operation")
            )
        else:
            changes.extend(_collapse_docs(_OperationDiff(schemas, before, after).changes()))
    for key, before in old_ops.items():
        if key not in new_ops:
            reason = "operation removed" + (
                f" (operationId {before.operation_id})" if before.operation_id else ""
            )
            changes.append(
                Change(Severity.BREAKING, "operation-removed", before.label, before.pointer, reason, "old")
            )
    return changes


# --- the semver gate ------------------------------------------------------------------------------------

_SEMVER = re.compile(r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")


def semver_major(version: object) -> int | None:
    """The major number of a semantic version (`1.4.2`, `v2.0.0-rc.1`); None when it is not one."""
    match = _SEMVER.match(str(version).strip()) if isinstance(version, str | int | float) else None
    return int(match.group(1)) if match else None


def info_version(document: Document) -> str | None:
    info = document.get("info")
    version = info.get("version") if isinstance(info, Mapping) else None
    return str(version) if version is not None else None


def major_bump(old: Document, new: Document) -> bool:
    """NEW announces a new major version of OLD, so breaking changes are expected (non-semver: never)."""
    before, after = semver_major(info_version(old)), semver_major(info_version(new))
    return before is not None and after is not None and after > before


def failing(changes: Iterable[Change], fail_on: Severity, *, major_allowed: bool = False) -> list[Change]:
    """The changes that make the diff fail: at or above `fail_on`, unless a major bump allows them all."""
    if major_allowed:
        return []
    return [c for c in changes if c.severity.rank >= fail_on.rank]


# --- global: servers, security schemes, version ---------------------------------------------------------


def _global_changes(old: Document, new: Document) -> list[Change]:
    changes = _server_changes(_servers(old), _servers(new), "-", "/servers", _has_servers(new))
    changes.extend(_scheme_changes(old, new))
    old_info, new_info = as_mapping(old.get("info")), as_mapping(new.get("info"))
    edited = [key for key in ("title", "summary", "description") if old_info.get(key) != new_info.get(key)]
    if edited:
        reason = f"documentation changed (info {', '.join(edited)})"
        changes.append(Change(Severity.COMPATIBLE, "docs", "-", "/info", reason))
    before, after = info_version(old), info_version(new)
    if before != after:
        changes.append(
            Change(Severity.COMPATIBLE, "version", "-", "/info/version", f"version {before} -> {after}")
        )
    return changes


def _servers(holder: Mapping[str, Any]) -> list[str]:
    """Server URLs without a trailing slash; a document without servers is served at `/`."""
    servers = holder.get("servers")
    urls = [
        str(s.get("url", "/")).rstrip("/") or "/"
        for s in (servers if isinstance(servers, list) else [])
        if isinstance(s, Mapping)
    ]
    return urls or ["/"]


def _has_servers(holder: Mapping[str, Any]) -> bool:
    return isinstance(holder.get("servers"), list) and bool(holder["servers"])


def _server_changes(
    before: list[str], after: list[str], operation: str, pointer: str, pointer_in_new: bool
) -> list[Change]:
    """A client configured with an OLD server URL must still reach the API there."""
    removed = [u for u in before if u not in after]
    added = [u for u in after if u not in before]
    side: Side = "new" if pointer_in_new else "old"
    if len(removed) == 1 and len(added) == 1:
        reason = f"server URL changed from {removed[0]} to {added[0]}"
        return [Change(Severity.BREAKING, "server-changed", operation, pointer, reason, side)]
    changes = [
        Change(Severity.BREAKING, "server-removed", operation, pointer, f"server URL {u} removed", side)
        for u in removed
    ]
    changes.extend(
        Change(Severity.COMPATIBLE, "server-added", operation, pointer, f"server URL {u} added", side)
        for u in added
    )
    return changes


_SCHEME_FIELDS = ("type", "in", "name", "scheme", "openIdConnectUrl")
_FLOW_URLS = ("authorizationUrl", "tokenUrl", "refreshUrl")


def _scheme_changes(old: Document, new: Document) -> list[Change]:
    """A scheme that keeps its name but changes how the credential is sent breaks every client using it."""
    before, after = _security_schemes(old), _security_schemes(new)
    changes = []
    for name, scheme in after.items():
        previous = before.get(name)
        if previous is None:
            continue
        pointer = join_pointer("/components/securitySchemes", name)
        for key in _SCHEME_FIELDS:
            was, now = previous.get(key), scheme.get(key)
            if key in ("scheme", "in") and isinstance(was, str) and isinstance(now, str):
                was, now = was.lower(), now.lower()
            if was != now:
                reason = f"security scheme {name}: {key} changed from {was} to {now}"
                changes.append(
                    Change(
                        Severity.BREAKING, "security-scheme-changed", "-", join_pointer(pointer, key), reason
                    )
                )
        changes.extend(_flow_changes(name, pointer, previous.get("flows"), scheme.get("flows")))
    return changes


def _flow_changes(name: str, pointer: str, before: Any, after: Any) -> list[Change]:
    before = before if isinstance(before, Mapping) else {}
    after = after if isinstance(after, Mapping) else {}
    changes = []
    for flow, settings in before.items():
        now = as_mapping(after.get(flow))
        where = join_pointer(pointer, "flows", flow)
        if flow not in after:
            reason = f"security scheme {name}: OAuth2 flow {flow} removed"
            changes.append(Change(Severity.BREAKING, "security-scheme-changed", "-", where, reason, "old"))
            continue
        for key in _FLOW_URLS:
            was = settings.get(key) if isinstance(settings, Mapping) else None
            if was is not None and was != now.get(key):
                reason = f"security scheme {name}: {flow} {key} changed from {was} to {now.get(key)}"
                changes.append(
                    Change(
                        Severity.BREAKING, "security-scheme-changed", "-", join_pointer(where, key), reason
                    )
                )
    return changes


def _security_schemes(document: Document) -> dict[str, Mapping[str, Any]]:
    components = document.get("components")
    schemes = components.get("securitySchemes") if isinstance(components, Mapping) else None
    if not isinstance(schemes, Mapping):
        return {}
    found = {}
    for name, scheme in schemes.items():
        resolved, _ = resolve(document, scheme, "")
        if isinstance(resolved, Mapping):
            found[str(name)] = resolved
    return found


# --- operations -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Operation:
    document: Document
    path: str
    method: str
    operation: Mapping[str, Any]
    item: Mapping[str, Any]
    item_pointer: str

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def pointer(self) -> str:
        return join_pointer(self.item_pointer, self.method)

    @property
    def operation_id(self) -> str | None:
        value = self.operation.get("operationId")
        return str(value) if value is not None else None


def template_key(path: str) -> str:
    """The path with parameter names erased: `/items/{id}` and `/items/{itemId}` are one path."""
    return PATH_TEMPLATE.sub("{}", path)


def _operations(document: Document) -> dict[tuple[str, str], _Operation]:
    found: dict[tuple[str, str], _Operation] = {}
    paths = document.get("paths")
    for path, raw in (paths if isinstance(paths, Mapping) else {}).items():
        item, item_pointer = resolve(document, raw, join_pointer("/paths", path))
        if not isinstance(item, Mapping):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, Mapping):
                key = (method, template_key(str(path)))
                found.setdefault(key, _Operation(document, str(path), method, operation, item, item_pointer))
    return found


@dataclass
class _OperationDiff:
    """Everything that can change about one operation a client calls."""

    schemas: SchemaDiff
    old: _Operation
    new: _Operation
    found: list[Change] = field(default_factory=list)

    def changes(self) -> list[Change]:
        self._identity()
        self._parameters()
        self._request_body()
        self._responses()
        self._security()
        self._servers()
        return self.found

    def add(
        self, severity: Severity, rule: str, pointer: str, reason: str, side: Side = "new", context: str = ""
    ) -> None:
        reason = f"{context}: {reason}" if context else reason
        self.found.append(Change(severity, rule, self.new.label, pointer, reason, side, context=context))

    def add_findings(self, findings: Iterable[Finding], context: str) -> None:
        for f in findings:
            subject = f", `{f.subject}`" if f.subject else ""
            self.add(f.severity, f.rule, f.pointer, f.message, f.side, f"{context}{subject}")

    def _identity(self) -> None:
        old, new = self.old.operation, self.new.operation
        if self.old.operation_id != self.new.operation_id:
            before, after = self.old.operation_id, self.new.operation_id
            reason = f"operationId changed from {before} to {after}: SDK method renamed"
            self.add(
                Severity.WARNING,
                "operation-id-changed",
                join_pointer(self.new.pointer, "operationId"),
                reason,
            )
        if _string_set(old.get("tags")) != _string_set(new.get("tags")):
            before, after = _listing(old.get("tags")), _listing(new.get("tags"))
            reason = f"tags changed from {before} to {after}: SDKs group operations by tag"
            self.add(Severity.WARNING, "tags-changed", join_pointer(self.new.pointer, "tags"), reason)
        if new.get("deprecated") is True and old.get("deprecated") is not True:
            self.add(Severity.COMPATIBLE, "deprecated", self.new.pointer, "operation deprecated")
        for key in DOC_KEYS:
            if old.get(key) != new.get(key):
                self.add(Severity.COMPATIBLE, "docs", join_pointer(self.new.pointer, key), key)

    # parameters

    def _parameters(self) -> None:
        before, after = _parameters(self.old), _parameters(self.new)
        unmatched_old = {key: p for key, p in before.items() if key not in after}
        unmatched_new = {key: p for key, p in after.items() if key not in before}
        for key, param in after.items():
            if key in before:
                self._parameter(before[key], param)
        for param in list(unmatched_new.values()):
            moved = next((p for p in unmatched_old.values() if p.name == param.name), None)
            if moved is not None:
                reason = f"parameter `{param.name}` moved from {moved.location} to {param.location}"
                self.add(Severity.BREAKING, "parameter-moved", param.pointer, reason)
                del unmatched_old[moved.key]
            elif param.required:
                reason = f"new required {param.location} parameter `{param.name}`"
                self.add(Severity.BREAKING, "parameter-added-required", param.pointer, reason)
            else:
                reason = f"new optional {param.location} parameter `{param.name}`"
                self.add(Severity.COMPATIBLE, "parameter-added", param.pointer, reason)
        for param in unmatched_old.values():
            reason = f"{param.location} parameter `{param.name}` removed: clients still send it"
            self.add(Severity.WARNING, "parameter-removed", param.pointer, reason, "old")

    def _parameter(self, old: _Parameter, new: _Parameter) -> None:
        label = f"{new.location} parameter `{new.name}`"
        if old.name != new.name:
            reason = f"path parameter renamed from `{old.name}` to `{new.name}`: SDK argument renamed"
            self.add(Severity.WARNING, "parameter-renamed", new.pointer, reason)
        if new.required and not old.required:
            self.add(Severity.BREAKING, "parameter-made-required", new.pointer, f"{label} made required")
        elif old.required and not new.required:
            self.add(Severity.COMPATIBLE, "parameter-made-optional", new.pointer, f"{label} made optional")
        if (old.style, old.explode) != (new.style, new.explode):
            reason = (
                f"{label}: serialisation changed from style={old.style}, explode={old.explode} "
                f"to style={new.style}, explode={new.explode}"
            )
            self.add(Severity.BREAKING, "parameter-style-changed", new.pointer, reason)
        if new.raw.get("deprecated") is True and old.raw.get("deprecated") is not True:
            self.add(Severity.COMPATIBLE, "deprecated", new.pointer, f"{label} deprecated")
        if old.raw.get("description") != new.raw.get("description"):
            self.add(Severity.COMPATIBLE, "docs", new.pointer, label)
        findings = self.schemas.compare(
            old.schema, old.schema_pointer, new.schema, new.schema_pointer, "request"
        )
        self.add_findings(findings, label)

    # request body

    def _request_body(self) -> None:
        old, old_ptr = self._body(self.old)
        new, new_ptr = self._body(self.new)
        if new is None:
            if old is not None:  # servers usually ignore a body they do not expect
                self.add(Severity.WARNING, "request-body-removed", old_ptr, "request body removed", "old")
            return
        if old is None:
            required = new.get("required") is True
            severity = Severity.BREAKING if required else Severity.COMPATIBLE
            rule = "request-body-added-required" if required else "request-body-added"
            self.add(severity, rule, new_ptr, f"{'required' if required else 'optional'} request body added")
            return
        if new.get("required") is True and old.get("required") is not True:
            self.add(Severity.BREAKING, "request-body-made-required", new_ptr, "request body made required")
        elif old.get("required") is True and new.get("required") is not True:
            self.add(Severity.COMPATIBLE, "request-body-made-optional", new_ptr, "request body made optional")
        if old.get("description") != new.get("description"):
            self.add(Severity.COMPATIBLE, "docs", new_ptr, "request body")
        self._content(old, old_ptr, new, new_ptr, "request", "request body")

    def _body(self, op: _Operation) -> tuple[Mapping[str, Any] | None, str]:
        body, pointer = resolve(
            op.document, op.operation.get("requestBody"), join_pointer(op.pointer, "requestBody")
        )
        return (body if isinstance(body, Mapping) else None), pointer

    def _content(
        self,
        old: Mapping[str, Any],
        old_ptr: str,
        new: Mapping[str, Any],
        new_ptr: str,
        direction: Direction,
        label: str,
    ) -> None:
        """Media types of a body: one removed breaks clients that send or expect it; schemas compared."""
        before = as_mapping(old.get("content"))
        after = as_mapping(new.get("content"))
        several = len(before) > 1 or len(after) > 1
        for media, entry in after.items():
            where = join_pointer(new_ptr, "content", media)
            if media not in before:
                self.add(Severity.COMPATIBLE, "media-type-added", where, f"{label}: media type {media} added")
                continue
            previous = as_mapping(before[media])
            context = f"{label} ({media})" if several else label
            findings = self.schemas.compare(
                previous.get("schema", {}),
                join_pointer(old_ptr, "content", media, "schema"),
                as_mapping(entry).get("schema", {}),
                join_pointer(where, "schema"),
                direction,
            )
            self.add_findings(findings, context)
        for media in before:
            if media not in after:
                where = join_pointer(old_ptr, "content", media)
                self.add(
                    Severity.BREAKING,
                    "media-type-removed",
                    where,
                    f"{label}: media type {media} removed",
                    "old",
                )

    # responses

    def _responses(self) -> None:
        old_ptr = join_pointer(self.old.pointer, "responses")
        new_ptr = join_pointer(self.new.pointer, "responses")
        before = {
            str(k): v for k, v in without_extensions(as_mapping(self.old.operation.get("responses"))).items()
        }
        after = {
            str(k): v for k, v in without_extensions(as_mapping(self.new.operation.get("responses"))).items()
        }
        gone = [c for c in before if c not in after and _is_success(c)]
        fresh = [c for c in after if c not in before and _is_success(c)]
        for code in gone:
            where = join_pointer(old_ptr, code)
            if fresh:
                reason = f"success status {code} changed to {', '.join(fresh)}"
                self.add(Severity.BREAKING, "success-status-changed", join_pointer(new_ptr, fresh[0]), reason)
            else:
                self.add(
                    Severity.BREAKING,
                    "success-status-removed",
                    where,
                    f"success status {code} removed",
                    "old",
                )
        for code in fresh:
            if not gone:
                reason = f"new success status {code}: clients may not expect it"
                self.add(Severity.WARNING, "success-status-added", join_pointer(new_ptr, code), reason)
        for code in before:
            if code not in after and not _is_success(code):
                reason = f"response {code} no longer declared"
                self.add(Severity.COMPATIBLE, "response-removed", join_pointer(old_ptr, code), reason, "old")
        for code, raw in after.items():
            if code not in before:
                if not _is_success(code):
                    reason = f"response {code} added"
                    self.add(Severity.COMPATIBLE, "response-added", join_pointer(new_ptr, code), reason)
                continue
            old, old_at = resolve(self.old.document, before[code], join_pointer(old_ptr, code))
            new, new_at = resolve(self.new.document, raw, join_pointer(new_ptr, code))
            self._response(code, as_mapping(old), old_at, as_mapping(new), new_at)

    def _response(
        self, code: str, old: Mapping[str, Any], old_ptr: str, new: Mapping[str, Any], new_ptr: str
    ) -> None:
        label = f"response {code}"
        if old.get("description") != new.get("description"):
            self.add(Severity.COMPATIBLE, "docs", new_ptr, label)
        self._headers(label, old, old_ptr, new, new_ptr)
        self._content(old, old_ptr, new, new_ptr, "response", label)

    def _headers(
        self, label: str, old: Mapping[str, Any], old_ptr: str, new: Mapping[str, Any], new_ptr: str
    ) -> None:
        before = {str(k).lower(): (str(k), v) for k, v in as_mapping(old.get("headers")).items()}
        after = {str(k).lower(): (str(k), v) for k, v in as_mapping(new.get("headers")).items()}
        for key, (name, raw) in before.items():
            was, was_at = resolve(self.old.document, raw, join_pointer(old_ptr, "headers", name))
            if key not in after:
                reason = f"{label}: header {name} removed"
                self.add(Severity.BREAKING, "response-header-removed", was_at, reason, "old")
                continue
            new_name, new_raw = after[key]
            now, now_at = resolve(self.new.document, new_raw, join_pointer(new_ptr, "headers", new_name))
            was, now = as_mapping(was), as_mapping(now)
            context = f"{label} header {new_name}"
            if was.get("required") is True and now.get("required") is not True:
                self.add(
                    Severity.BREAKING, "response-header-made-optional", now_at, f"{context} made optional"
                )
            findings = self.schemas.compare(
                was.get("schema", {}),
                join_pointer(was_at, "schema"),
                now.get("schema", {}),
                join_pointer(now_at, "schema"),
                "response",
            )
            self.add_findings(findings, context)
        for key, (name, _) in after.items():
            if key not in before:
                where = join_pointer(new_ptr, "headers", name)
                self.add(Severity.COMPATIBLE, "response-header-added", where, f"{label}: header {name} added")

    # security and servers

    def _security(self) -> None:
        before, after = _requirements(self.old), _requirements(self.new)
        if before == after:
            return
        where = (
            join_pointer(self.new.pointer, "security") if "security" in self.new.operation else "/security"
        )
        unmet = [alt for alt in before if not any(_satisfies(alt, option) for option in after)]
        if not unmet:
            reason = f"security relaxed from {_show_security(before)} to {_show_security(after)}"
            self.add(Severity.COMPATIBLE, "security-relaxed", where, reason)
        elif unmet == [{}]:
            self.add(
                Severity.BREAKING,
                "security-added",
                where,
                f"security added: now requires {_show_security(after)}",
            )
        else:
            reason = f"security changed from {_show_security(before)} to {_show_security(after)}"
            self.add(Severity.BREAKING, "security-changed", where, reason)

    def _servers(self) -> None:
        """Path- and operation-level servers (the document's own are compared once, globally)."""
        old_own, new_own = _own_servers(self.old), _own_servers(self.new)
        if old_own is None and new_own is None:
            return
        before = _servers(old_own if old_own is not None else self.old.document)
        after = _servers(new_own if new_own is not None else self.new.document)
        holder = self.new.operation if _has_servers(self.new.operation) else self.new.item
        pointer = self.new.pointer if holder is self.new.operation else self.new.item_pointer
        self.found += _server_changes(before, after, self.new.label, join_pointer(pointer, "servers"), True)


def _own_servers(op: _Operation) -> Mapping[str, Any] | None:
    for holder in (op.operation, op.item):
        if _has_servers(holder):
            return holder
    return None


def _is_success(code: str) -> bool:
    return code.startswith("2")


@dataclass(frozen=True)
class _Parameter:
    key: tuple[str, str]
    name: str
    location: str
    raw: Mapping[str, Any]
    pointer: str

    @property
    def required(self) -> bool:
        return self.location == "path" or self.raw.get("required") is True

    @property
    def style(self) -> str:
        default = "form" if self.location in ("query", "cookie") else "simple"
        return str(self.raw.get("style", default))

    @property
    def explode(self) -> bool:
        return bool(self.raw.get("explode", self.style == "form"))

    @property
    def schema(self) -> Any:
        if "schema" in self.raw:
            return self.raw["schema"]
        for entry in as_mapping(self.raw.get("content")).values():
            return as_mapping(entry).get("schema", {})
        return {}

    @property
    def schema_pointer(self) -> str:
        if "schema" in self.raw:
            return join_pointer(self.pointer, "schema")
        for media in as_mapping(self.raw.get("content")):
            return join_pointer(self.pointer, "content", media, "schema")
        return self.pointer


def _parameters(op: _Operation) -> dict[tuple[str, str], _Parameter]:
    """Path-item and operation parameters (the operation's win), keyed so that renaming a path
    parameter keeps its identity: path parameters by position in the template, others by name."""
    positions = {name: str(i) for i, name in enumerate(PATH_TEMPLATE.findall(op.path))}
    found: dict[tuple[str, str], _Parameter] = {}
    sources = (
        (op.item.get("parameters"), join_pointer(op.item_pointer, "parameters")),
        (op.operation.get("parameters"), join_pointer(op.pointer, "parameters")),
    )
    for params, base in sources:
        for index, raw in enumerate(params if isinstance(params, list) else []):
            param, pointer = resolve(op.document, raw, join_pointer(base, index))
            if not isinstance(param, Mapping):
                continue
            name, location = str(param.get("name")), str(param.get("in"))
            if location == "path":
                key = ("path", positions.get(name, name))
            else:
                key = (location, name.lower() if location == "header" else name)
            found[key] = _Parameter(key, name, location, param, pointer)
    return found


Requirement = dict[str, frozenset[str]]


def _requirements(op: _Operation) -> list[Requirement]:
    """The alternatives a client may satisfy; `[{}]` means anonymous access."""
    raw = op.operation.get("security", op.document.get("security"))
    alternatives = [
        {
            str(name): frozenset(map(str, scopes if isinstance(scopes, list) else ()))
            for name, scopes in alt.items()
        }
        for alt in (raw if isinstance(raw, list) else [])
        if isinstance(alt, Mapping)
    ]
    return alternatives or [{}]


def _satisfies(held: Requirement, option: Requirement) -> bool:
    """A client holding the credentials (and scopes) of `held` can call under `option`."""
    return all(name in held and scopes <= held[name] for name, scopes in option.items())


def _show_security(alternatives: list[Requirement]) -> str:
    def one(alt: Requirement) -> str:
        if not alt:
            return "none"
        return " + ".join(f"{n}[{', '.join(sorted(s))}]" if s else n for n, s in sorted(alt.items()))

    return " or ".join(one(a) for a in alternatives)


def _collapse_docs(changes: list[Change]) -> list[Change]:
    """Documentation edits are one line per operation: they matter to readers, not to clients."""
    docs = [c for c in changes if c.rule == "docs"]
    if not docs:
        return changes
    rest = [c for c in changes if c.rule != "docs"]
    places = list(dict.fromkeys(c.reason for c in docs))
    shown = ", ".join(places[:3]) + (f" and {len(places) - 3} more" if len(places) > 3 else "")
    reason = f"documentation changed ({shown})"
    return [*rest, replace(docs[0], reason=reason, context="")]


# --- plumbing -----------------------------------------------------------------------------------------


def _string_set(value: Any) -> set[str]:
    return {str(v) for v in value} if isinstance(value, list) else set()


def _listing(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) and value else "none"
