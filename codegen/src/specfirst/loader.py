"""Load a spec: read YAML or JSON, follow relative file `$ref`s, and bundle everything into one document.

The bundled document has only local refs (`#/...`). Schemas that live in other files become entries of
`components/schemas` (named after the file, or the pointer's last token); any other referenced object
(path items, parameters, responses) is inlined where it was referenced. A :class:`SourceMap` translates
any pointer in the bundled document back to `FILE:LINE:COL` in the file the text came from, composing a
file's YAML node tree only when a location is first asked for (the fast C loader is used otherwise).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from .diagnostics import Diagnostics, Location, SpecError, join_pointer, split_pointer
from .extensions import is_extension, is_name_map

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    """YAML with JSON's data model: dates stay strings and only true/false are booleans (as in YAML 1.2,
    which is what OpenAPI tools in other languages read). YAML 1.1 would turn `2024-01-01` into a date and
    an enum value `no` into False."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regex)
        for tag, regex in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_NODES = 2_000_000
MAX_DEPTH = 400


@dataclass
class _File:
    path: Path
    text: str
    data: Any
    _nodes: yaml.Node | None = None

    def node(self) -> yaml.Node | None:
        if self._nodes is None:
            try:
                self._nodes = yaml.compose(self.text, Loader=_Loader)
            except yaml.YAMLError:
                return None
        return self._nodes


@dataclass
class SourceMap:
    """Maps pointers of the bundled document to the file and pointer their text came from."""

    files: dict[Path, _File]
    origins: dict[str, tuple[Path, str]] = field(default_factory=dict)

    def origin(self, pointer: str) -> tuple[Path, str]:
        tokens = split_pointer(pointer)
        for cut in range(len(tokens), -1, -1):
            prefix = join_pointer("", *tokens[:cut])
            if prefix in self.origins:
                path, base = self.origins[prefix]
                return path, join_pointer(base, *tokens[cut:])
        root = next(iter(self.files))
        return root, pointer

    def locate(self, pointer: str) -> Location:
        path, file_pointer = self.origin(pointer)
        source = self.files[path]
        node = source.node()
        line, col = _position(node, split_pointer(file_pointer))
        return Location(_display_path(path), line, col, pointer)


def _display_path(path: Path) -> Path:
    """The path as a person would type it from here: relative when that is shorter."""
    relative = Path(os.path.relpath(path))
    return relative if len(str(relative)) < len(str(path)) else path


def _position(node: yaml.Node | None, tokens: list[str]) -> tuple[int, int]:
    """Line and column (1-based) of the deepest node reachable along `tokens`."""
    if node is None:
        return 1, 1
    best = node
    for token in tokens:
        nxt: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == token:
                    # point at the key for scalars (where a person looks), at the value for blocks
                    nxt = value if not isinstance(value, yaml.ScalarNode) else key
                    best = key
                    node = value
                    break
        elif isinstance(node, yaml.SequenceNode) and token.isdigit() and int(token) < len(node.value):
            nxt = node = node.value[int(token)]
            best = nxt
        if nxt is None:
            break
        best = nxt
    return best.start_mark.line + 1, best.start_mark.column + 1


@dataclass
class LoadedSpec:
    """A spec read from disk and bundled into one document with local refs only."""

    document: dict[str, Any]
    root: Path
    source_map: SourceMap
    digest: str
    has_remote: bool = False  # a remote document can change unseen: such a spec is never "up to date"

    @property
    def files(self) -> list[Path]:
        return list(self.source_map.files)

    def locate(self, pointer: str) -> Location:
        return self.source_map.locate(pointer)


@dataclass(frozen=True)
class YamlSplit:
    """A big block-style YAML document cut in three, to parse on two cores: `head` and `tail` here,
    `middle` (entries of the top-level mapping `section`, still indented) in another process."""

    head: str
    middle: str
    tail: str
    section: str

    @property
    def text(self) -> str:
        return self.head + self.middle + self.tail


_SPLIT_MIN_BYTES = 256 * 1024
_NOT_ONE_BLOCK_DOCUMENT = re.compile(r"^(?:%|---|\.\.\.)", re.MULTILINE)  # directives, several documents
_COLUMN_ZERO = re.compile(r"^[^\s#].*$", re.MULTILINE)
_SECTION_KEY = re.compile(r"([A-Za-z_][\w-]*):[ \t]*")
_FIRST_CHILD = re.compile(r"^( +)[^\s#]", re.MULTILINE)


def split_yaml(text: str) -> YamlSplit | None:
    """Cut `text` inside its biggest top-level section, before an entry near the middle; None if small
    or not plainly cuttable. The caller still checks each part parses, and parses whole if not."""
    if len(text) < _SPLIT_MIN_BYTES or _NOT_ONE_BLOCK_DOCUMENT.search(text):
        return None
    tops = list(_COLUMN_ZERO.finditer(text))
    if not tops:
        return None
    ends = [m.start() for m in tops[1:]] + [len(text)]
    index = max(range(len(tops)), key=lambda i: ends[i] - tops[i].start())
    key = _SECTION_KEY.fullmatch(tops[index].group())
    child = _FIRST_CHILD.search(text, tops[index].end(), ends[index])
    if key is None or child is None:
        return None
    entries = re.compile("^" + child.group(1) + r"[^\s#\-]", re.MULTILINE)  # lines at the entries' indent
    cut = entries.search(text, max(len(text) // 2, child.start() + 1), ends[index])
    if cut is None:
        return None
    end = ends[index]
    return YamlSplit(text[: cut.start()], text[cut.start() : end], text[end:], key.group(1))


def parse_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)


def _join(split: YamlSplit, middle: Callable[[], Any]) -> Any:
    """The document `split` was cut from, from its parts; raises if any part is not what it should be
    (an anchor used across the cut, a quoted string running over it): then the text is parsed whole."""
    head, tail = parse_yaml(split.head), parse_yaml(split.tail) if split.tail.strip() else {}
    entries = middle()
    if not (isinstance(head, dict) and isinstance(tail, dict) and isinstance(entries, dict)):
        raise ValueError("not one mapping")
    section = head.get(split.section)
    if not isinstance(section, dict):
        raise ValueError("not one mapping")
    section.update(entries)  # as one parse would: a repeated key keeps its place and takes the last value
    head.update(tail)
    return head


class NestingError(ValueError):
    """A JSON document nested deeper than the parser can follow; `line` and `col` say where."""

    def __init__(self, line: int, col: int) -> None:
        super().__init__(f"nested more than {MAX_DEPTH} levels deep")
        self.line = line
        self.col = col


def read_text(path: Path) -> str:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    return path.read_text(encoding="utf-8")


def split_root(path: Path) -> YamlSplit | None:
    """The root YAML file, cut for parsing on two cores (see `load_spec`); None for anything else."""
    if path.suffix == ".json":
        return None
    try:
        return split_yaml(read_text(path))
    except (OSError, ValueError):
        return None  # read again by the loader, which reports the problem


def read_document(path: Path, split: tuple[YamlSplit, Callable[[], Any]] | None = None) -> tuple[str, Any]:
    """Parse one YAML or JSON file (with `split`: from its parts, the middle one parsed elsewhere).

    YAML aliases load as shared objects, so an alias bomb costs nothing here; the bundler's walk counts
    every visit, under any key, and stops at MAX_NODES, which bounds the expansion.
    """
    if split is not None:
        parts, middle = split
        try:
            return parts.text, _join(parts, middle)
        except Exception:  # any part that does not stand alone: the whole text says what is wrong
            return parts.text, parse_yaml(parts.text)
    text = read_text(path)
    if path.suffix == ".json":
        try:
            return text, json.loads(text)
        except RecursionError:  # the C scanner recurses per level: report where it gets too deep
            raise _nesting_error(text) from None
    return text, parse_yaml(text)


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _nesting_error(text: str) -> NestingError:
    """Where `text` first opens more than MAX_DEPTH nested arrays or objects (1-based line and column)."""
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                offset = match.start()
                line = text.count("\n", 0, offset) + 1
                return NestingError(line, offset - (text.rfind("\n", 0, offset) + 1) + 1)
        elif token in "]}":
            depth -= 1
    return NestingError(1, 1)


class _Bundler:
    def __init__(
        self,
        root: Path,
        diagnostics: Diagnostics,
        allow_remote: bool,
        split: tuple[YamlSplit, Callable[[], Any]] | None = None,
    ) -> None:
        self.root = root
        self.split = split
        self.base_dir = root.parent.resolve()
        self.diagnostics = diagnostics
        self.allow_remote = allow_remote
        self.files: dict[Path, _File] = {}
        self.origins: dict[str, tuple[Path, str]] = {"": (root, "")}
        self.schema_names: dict[tuple[Path, str], str] = {}
        self.new_schemas: dict[str, Any] = {}
        self.inlining: list[tuple[Path, str]] = []
        self.placed: set[str] = set()
        self.remote: set[str] = set()
        self.nodes = 0

    def fetch(self, url: str, pointer_for_errors: str) -> _File | None:
        """A remote document (only with --allow-remote-refs), read once, size-capped, with a time limit."""
        key = Path(url)
        if key in self.files:
            return self.files[key]
        import urllib.request

        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                raw = response.read(MAX_FILE_BYTES + 1)
            if len(raw) > MAX_FILE_BYTES:
                raise ValueError("larger than the size limit")
            text = raw.decode("utf-8")
            data = json.loads(text) if url.endswith(".json") else yaml.load(text, Loader=_Loader)
        except (OSError, ValueError, yaml.YAMLError) as exc:
            self.diagnostics.error("remote-ref", pointer_for_errors, f"cannot fetch {url}: {_reason(exc)}")
            return None
        self.remote.add(str(key))
        self.files[key] = _File(key, text, data)
        return self.files[key]

    def load(self, path: Path, pointer_for_errors: str) -> _File | None:
        if path in self.files:  # already read (remote documents are keyed by their URL)
            return self.files[path]
        path = path.resolve()
        if path in self.files:
            return self.files[path]
        try:
            text, data = read_document(path, self.split if path == self.root else None)
        except (OSError, ValueError, yaml.YAMLError, UnicodeDecodeError) as exc:
            mark = getattr(exc, "problem_mark", None)
            if isinstance(exc, NestingError):
                where = Location(_display_path(path), exc.line, exc.col, "")
                self.diagnostics.error("load", "", f"not valid JSON: {exc}", location=where)
            elif mark is not None:  # a syntax error: point into the file that has it
                where = Location(_display_path(path), mark.line + 1, mark.column + 1, "")
                problem = getattr(exc, "problem", None) or "syntax error"
                self.diagnostics.error("load", "", f"not valid YAML: {problem}", location=where)
            elif isinstance(exc, json.JSONDecodeError):
                where = Location(_display_path(path), exc.lineno, exc.colno, "")
                self.diagnostics.error("load", "", f"not valid JSON: {exc.msg}", location=where)
            else:
                self.diagnostics.error("load", pointer_for_errors, f"cannot read {path.name}: {_reason(exc)}")
            return None
        self.files[path] = _File(path, text, data)
        return self.files[path]

    def bundle(self) -> dict[str, Any]:
        root_file = self.load(self.root, "")
        if root_file is None:
            raise SpecError(self.diagnostics.items)
        document = root_file.data
        if not isinstance(document, dict):
            self.diagnostics.error("load", "", "the document must be a mapping (an OpenAPI object)")
            raise SpecError(self.diagnostics.items)
        self.origins[""] = (root_file.path, "")
        # component schemas first, so a schema file referenced from components keeps that component's name
        schemas = (
            document.get("components", {}).get("schemas")
            if isinstance(document.get("components"), dict)
            else None
        )
        if isinstance(schemas, dict):
            for name, value in schemas.items():
                if isinstance(value, dict) and isinstance(value.get("$ref"), str):
                    target = self._external_target(root_file.path, value["$ref"])
                    if target is not None:
                        self.schema_names.setdefault(target, name)
        self._walk(document, root_file.path, "", "", in_schema=False, depth=0)
        if self.new_schemas:
            components = document.setdefault("components", {})
            components.setdefault("schemas", {}).update(self.new_schemas)
        return document

    def _external_target(self, base: Path, ref: str) -> tuple[Path, str] | None:
        parts = urlsplit(ref)
        if parts.scheme or parts.netloc or not parts.path:
            return None
        return (base.parent / unquote(parts.path)).resolve(), unquote(parts.fragment)

    def _walk(
        self,
        node: Any,
        file: Path,
        file_ptr: str,
        out_ptr: str,
        *,
        in_schema: bool,
        depth: int,
        names: bool = False,
    ) -> Any:
        """Rewrite refs under `node` (which came from `file` at `file_ptr`); returns the node to keep.

        `names` says `node` is a map of names (properties, headers, ...), whose `x-` keys are not extensions.
        """
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            self._too_big(out_ptr, depth)
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and names:
                return self._map_ref(node, ref, file, file_ptr, out_ptr, in_schema=in_schema, depth=depth)
            if isinstance(ref, str) and not names:
                return self._ref(node, ref, file, file_ptr, out_ptr, in_schema=in_schema, depth=depth)
            via = split_pointer(out_ptr)[-1] if out_ptr else ""
            for key in list(node):
                if is_extension(key, in_name_map=names):
                    # vendor extensions are opaque (their refs may name docs or code samples), but they
                    # are counted: YAML aliases under one would otherwise expand unseen downstream
                    self._count(node[key], join_pointer(out_ptr, key), depth + 1)
                    continue
                if key == "mapping" and in_schema and not names and isinstance(node[key], dict):
                    node[key] = self._mapping(node[key], file, file_ptr, join_pointer(out_ptr, key), depth)
                    continue
                child_schema = in_schema or (key in ("schema", "schemas") and not names)
                node[key] = self._walk(
                    node[key],
                    file,
                    join_pointer(file_ptr, key),
                    join_pointer(out_ptr, key),
                    in_schema=child_schema,
                    depth=depth + 1,
                    names=is_name_map(key, key_is_name=names, parent=via),
                )
        elif isinstance(node, list):
            for index, item in enumerate(node):
                node[index] = self._walk(
                    item,
                    file,
                    join_pointer(file_ptr, index),
                    join_pointer(out_ptr, index),
                    in_schema=in_schema,
                    depth=depth + 1,
                )
        return node

    def _count(self, node: Any, pointer: str, depth: int) -> None:
        """Count the values under `node` (each alias as the copy it stands for) against the limits."""
        stack = [(node, depth)]
        while stack:
            value, level = stack.pop()
            self.nodes += 1
            if self.nodes > MAX_NODES or level > MAX_DEPTH:
                self._too_big(pointer, level)
            if isinstance(value, dict):
                stack.extend((child, level + 1) for child in value.values())
            elif isinstance(value, list):
                stack.extend((child, level + 1) for child in value)

    def _too_big(self, pointer: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            message = f"the document is nested more than {MAX_DEPTH} levels deep"
        else:
            message = f"the document is too large: more than {MAX_NODES:,} values once YAML aliases are "
            message += "expanded"
        self.diagnostics.error("load", pointer, message)
        raise SpecError(self.diagnostics.items)

    def _ref(
        self,
        node: dict[str, Any],
        ref: str,
        file: Path,
        file_ptr: str,
        out_ptr: str,
        *,
        in_schema: bool,
        depth: int,
        names: bool = False,
    ) -> Any:
        ref_ptr = join_pointer(out_ptr, "$ref")
        parts = urlsplit(ref)
        if parts.scheme or parts.netloc:
            if not self.allow_remote:
                self.diagnostics.error(
                    "remote-ref", ref_ptr, f"remote $ref {ref!r} refused (pass --allow-remote-refs)"
                )
                return node
            url = parts._replace(fragment="").geturl()
            if parts.scheme == "file" and not _is_within(Path(unquote(parts.path)).resolve(), self.base_dir):
                self.diagnostics.error(
                    "ref-outside", ref_ptr, f"$ref {ref!r} leaves the spec's folder; refused"
                )
                return node
            if self.fetch(url, ref_ptr) is None:
                return node
            target = (Path(url), unquote(parts.fragment))
        elif not parts.path:
            if file == self.root.resolve() and not names:
                # a local ref of the root document: already right, once its fragment is decoded (every
                # walker downstream reads `#/paths/~1a{b}`, not `#/paths/~1a%7Bb%7D`); siblings are walked too
                node["$ref"] = "#" + unquote(parts.fragment)
                for key in list(node):
                    if key != "$ref":
                        node[key] = self._walk(
                            node[key],
                            file,
                            join_pointer(file_ptr, key),
                            join_pointer(out_ptr, key),
                            in_schema=in_schema,
                            depth=depth + 1,
                        )
                return node
            target = (file, unquote(parts.fragment))
        else:
            if str(file) in self.remote:
                self.diagnostics.error(
                    "remote-ref",
                    ref_ptr,
                    f"$ref {ref!r}: relative refs inside a remote document are not followed",
                )
                return node
            target = ((file.parent / unquote(parts.path)).resolve(), unquote(parts.fragment))
            if not _is_within(target[0], self.base_dir):
                self.diagnostics.error(
                    "ref-outside", ref_ptr, f"$ref {ref!r} leaves the spec's folder; refused"
                )
                return node
        source = self.load(target[0], ref_ptr)
        if source is None:
            return node
        value = _resolve_in(source.data, target[1])
        if value is _MISSING:
            self.diagnostics.error("ref", ref_ptr, f"$ref {ref!r} does not resolve")
            return node
        if (in_schema or target in self.schema_names) and not names:
            name = self.schema_names.get(target)
            if name is None or (name not in self.new_schemas and name not in self.placed):
                name = self._schema_name(target, name)
                self.schema_names[target] = name
                self.new_schemas[name] = None  # reserve before walking: schemas may recurse
                schema_ptr = join_pointer("/components/schemas", name)
                self.origins[schema_ptr] = (target[0], target[1])
                self.new_schemas[name] = self._walk(
                    copy.deepcopy(value), target[0], target[1], schema_ptr, in_schema=True, depth=0
                )
            if out_ptr == join_pointer("/components/schemas", name):
                # `components/schemas/Name: {$ref: Name.yaml}`: the file becomes the component itself
                self.origins[out_ptr] = (target[0], target[1])
                self.placed.add(name)
                return self.new_schemas.pop(name)
            return {"$ref": "#/components/schemas/" + name}
        if target in self.inlining:
            self.diagnostics.error("ref-cycle", ref_ptr, f"$ref {ref!r} refers back to itself")
            return node
        self.inlining.append(target)
        self.origins[out_ptr] = (target[0], target[1])
        inlined = self._walk(
            copy.deepcopy(value),
            target[0],
            target[1],
            out_ptr,
            in_schema=in_schema,
            depth=depth + 1,
            names=names,
        )
        self.inlining.pop()
        return inlined

    def _mapping(self, mapping: dict[str, Any], file: Path, file_ptr: str, out_ptr: str, depth: int) -> Any:
        """A discriminator's mapping: its values are refs in strings, bundled as `$ref`s are."""
        out: dict[str, Any] = {}
        for value, target in mapping.items():
            if isinstance(target, str) and ("#" in target or "/" in target or target.endswith(SPEC_SUFFIXES)):
                where = join_pointer(out_ptr, value)
                bundled = self._ref(
                    {"$ref": target},
                    target,
                    file,
                    join_pointer(file_ptr, value),
                    where,
                    in_schema=True,
                    depth=depth,
                )
                target = bundled.get("$ref", target) if isinstance(bundled, dict) else target
            out[value] = target
        return out

    def _map_ref(
        self,
        node: dict[str, Any],
        ref: str,
        file: Path,
        file_ptr: str,
        out_ptr: str,
        *,
        in_schema: bool,
        depth: int,
    ) -> Any:
        """`properties: {$ref: ...}`: a whole map of names by reference, which OpenAPI does not allow.

        Bundlers resolve it where it stands; --lenient does the same and says so, strict refuses it here
        (at the pointer of the source file, before any bundling moves it).
        """
        where = join_pointer(file_ptr, "$ref")
        line, col = _position(self.files[file].node(), split_pointer(where))
        self.diagnostics.error(
            "map-ref",
            join_pointer(out_ptr, "$ref"),
            f"$ref {ref!r} stands for a whole map of names ({split_pointer(out_ptr)[-1]!r}), which OpenAPI "
            "does not allow"
            + (": resolved in place" if self.diagnostics.lenient else " (--lenient resolves it in place)"),
            recoverable=True,
            location=Location(_display_path(file), line, col, where),
        )
        if not self.diagnostics.lenient:
            return node
        return self._ref(node, ref, file, file_ptr, out_ptr, in_schema=in_schema, depth=depth, names=True)

    def _schema_name(self, target: tuple[Path, str], preferred: str | None) -> str:
        path, pointer = target
        base = preferred or (split_pointer(pointer)[-1] if pointer else path.stem)
        taken = set(self.new_schemas) | set(self._root_schema_names())
        name, n = base, 2
        while name in taken and preferred is None:
            name, n = f"{base}{n}", n + 1
        return name

    def _root_schema_names(self) -> set[str]:
        root = self.files[self.root.resolve()].data
        comps = root.get("components") if isinstance(root, dict) else None
        schemas = comps.get("schemas") if isinstance(comps, dict) else None
        return set(schemas) if isinstance(schemas, dict) else set()


_MISSING = object()
SPEC_SUFFIXES = (".yaml", ".yml", ".json")


def _resolve_in(data: Any, pointer: str) -> Any:
    node = data
    for token in split_pointer(pointer):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return _MISSING
    return node


def _is_within(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def _reason(exc: BaseException) -> str:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        return f"{exc.problem} at line {mark.line + 1}, column {mark.column + 1}"
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    return str(exc)


def load_spec(
    path: Path,
    diagnostics: Diagnostics,
    *,
    allow_remote: bool = False,
    split: tuple[YamlSplit, Callable[[], Any]] | None = None,
) -> LoadedSpec:
    """Read `path` and every file it refers to; raise :class:`SpecError` if it cannot be read at all.

    `split`: the root file as `split_root` cut it, with a function returning its middle part parsed
    (by another process: YAML parsing is most of the loading time of a big spec).
    """
    path = Path(path)
    if not path.is_file():
        diagnostics.error("load", "", "no such file", location=Location(path, 1, 1, ""))
        raise SpecError(diagnostics.items)
    bundler = _Bundler(path.resolve(), diagnostics, allow_remote, split)
    try:
        document = bundler.bundle()
    except SpecError:
        if bundler.files:  # locate what was found, in the files read so far
            located = SourceMap(bundler.files, bundler.origins)
            diagnostics.items = [
                d if d.location is not None else replace(d, location=located.locate(d.pointer))
                for d in diagnostics.items
            ]
        raise SpecError(diagnostics.items) from None
    digest = hashlib.sha256()
    for file in sorted(bundler.files):
        remote = str(file) in bundler.remote
        digest.update(str(file if remote else file.relative_to(bundler.base_dir)).encode())
        digest.update(bundler.files[file].text.encode())
    source_map = SourceMap(bundler.files, bundler.origins)
    return LoadedSpec(document, path, source_map, digest.hexdigest(), has_remote=bool(bundler.remote))
