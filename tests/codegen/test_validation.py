"""Schema objects with invalid keywords: every fault reported once, at its absolute pointer and real line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from specfirst.cli import main
from specfirst.diagnostics import readable_pointer
from tests.conftest import FEATURE_SPECS

SPECS = FEATURE_SPECS / "broken-schemas"
LOCATED = re.compile(
    r"^(?P<file>[^:]+\.yaml):(?P<where>\d+:\d+: (?P<pointer>/[^:]*): .*?)(?: \[(?P<readable>.*)\])?$"
)
TYPES_31 = "(one of array, boolean, integer, null, number, object, string)"
TYPES_30 = "(one of array, boolean, integer, number, object, string)"
PET = "/components/schemas/Pet/properties"
BODY = "/paths/~1pets/get/responses/200/content/application~1json/schema"

EXPECTED_31 = [
    f"19:17: {BODY}/maxItems: 'many' is not of type 'integer'",
    "25:31: /components/parameters/Limit/schema/maximum: '9' is not of type 'number'",
    f"30:16: {PET}/name/type: 'strin' is not a valid type {TYPES_31}; did you mean 'string'?",
    f"31:15: {PET}/tag/minLength: -1 is less than the minimum of 0",
    f"32:30: {PET}/age/minimum: '3' is not of type 'number'",
    f"36:27: {PET}/owner/properties/email/type: ['string', 'text'] is not a valid type {TYPES_31}",
    f"37:11: {PET}/owner/required: 'email' is not of type 'array'",
    f"40:30: {PET}/kind/anyOf/0/enum: 'cat' is not of type 'array'",
    # not about a schema: openapi-spec-validator's own finding is kept
    '4:5: /servers/0/url: 5 is not of type "string"',
]
EXPECTED_30 = [
    "8:60: /paths/~1pets/get/parameters/0/schema/maximum: '9' is not of type 'number'",
    f"18:17: {BODY}/maxItems: 'many' is not of type 'integer'",
    f"24:16: {PET}/name/type: 'strin' is not a valid type {TYPES_30}; did you mean 'string'?",
    f"25:15: {PET}/tag/minLength: -1 is less than the minimum of 0",
    f"26:30: {PET}/age/minimum: '3' is not of type 'number'",
    f"30:21: {PET}/owner/properties/email/type: None is not a valid type {TYPES_30}",
    f"31:18: {PET}/owner/properties/id/$ref: 7 is not of type 'string'",
    f"32:21: {PET}/owner/required: [] has less than 1 item",
    f"35:30: {PET}/kind/allOf/0/enum: 'cat' is not of type 'array'",
    f"35:41: {PET}/kind/allOf/0/minLenght: 'minLenght' is not a Schema Object keyword; "
    "did you mean 'minLength'?",
    # a default only openapi-spec-validator's 3.0 formats reject, located at the default
    "9:74: /paths/~1pets/get/parameters/1/schema/default: "
    "default 99999999999 does not match its schema: 99999999999 is not a 'int32'",
]


def generate(spec: Path, out: Path, capsys: pytest.CaptureFixture[str], *flags: str) -> tuple[int, list[str]]:
    """The exit code and each located line as `LINE:COL: /pointer: message` (the file checked too, and
    the readable path printed after a pointer with escapes, then left out)."""
    code = main(["generate", str(spec), "--out", str(out), *flags])
    located = []
    for line in capsys.readouterr().err.splitlines():
        match = LOCATED.match(line)
        if match is not None:
            assert Path(match["file"]).resolve() == spec.resolve(), line
            assert (match["readable"] or "") == readable_pointer(match["pointer"]), line
            located.append(match["where"])
    return code, located


@pytest.mark.parametrize(
    ("name", "expected"), [("openapi31.yaml", EXPECTED_31), ("openapi30.yaml", EXPECTED_30)]
)
def test_every_invalid_schema_keyword_is_reported_once_where_it_is(
    name: str, expected: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = SPECS / name
    code, located = generate(spec, tmp_path / "pkg", capsys)

    assert code == 2
    for line in expected:
        assert located.count(line) == 1, "\n".join(located)
    # nothing else: no oneOf failure of a whole schema, no path relative to a schema at 1:1
    assert sorted(located) == sorted(expected)
    assert not (tmp_path / "pkg").exists()


def test_an_unknown_schema_keyword_is_a_warning_with_lenient(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "unknown.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
        "    Pet:\n      type: object\n      properties:\n        name: {type: string, minLenght: 2}\n"
    )
    strict_code, strict = generate(spec, tmp_path / "pkg", capsys)
    lenient_code, lenient = generate(spec, tmp_path / "pkg", capsys, "--lenient")

    message = (
        "/components/schemas/Pet/properties/name/minLenght: 'minLenght' is not a Schema Object keyword; "
        "did you mean 'minLength'?"
    )
    assert strict_code == 2
    assert strict == [f"9:30: {message}"]
    assert lenient_code == 0, lenient
    assert lenient == [f"9:30: {message.replace(': ', ': warning: ', 1)}"]


def test_a_schema_in_another_dialect_is_checked_against_that_dialect(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "dialect.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
        "    Old:\n      $schema: 'http://json-schema.org/draft-07/schema#'\n      minLength: -1\n"
        "    Odd:\n      $schema: 'https://example.com/no-such-dialect'\n      type: string\n"
    )
    code, lines = generate(spec, tmp_path / "pkg", capsys)

    assert code == 2
    assert sorted(lines) == [
        "10:7: /components/schemas/Odd: unknown JSON Schema dialect 'https://example.com/no-such-dialect'",
        "8:7: /components/schemas/Old/minLength: -1 is less than the minimum of 0",
    ]


def test_a_null_default_of_a_nullable_30_schema_is_accepted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
    body += "    Pet:\n      type: object\n      properties:\n"
    spec = tmp_path / "nullable.yaml"
    spec.write_text(body + "        tag: {type: string, nullable: true, default: null}\n")
    broken = tmp_path / "not-nullable.yaml"
    broken.write_text(body + "        tag: {type: string, default: null}\n")

    assert generate(spec, tmp_path / "pkg", capsys) == (0, [])
    code, lines = generate(broken, tmp_path / "other", capsys)
    assert code == 2
    assert lines == [
        "9:29: /components/schemas/Pet/properties/tag/default: "
        "default None does not match its schema: None is not of type 'string'"
    ]


def test_a_schema_inside_an_extension_is_not_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Vendor extensions are opaque: `x-tooling: {schema: ...}` is the tool's, not a Schema Object."""
    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        "openapi: 3.1.0\n"
        "info: {title: t, version: '1'}\n"
        "x-tooling:\n"
        "  schema: {type: strin, minLength: -3}\n"
        "paths:\n"
        "  /a:\n"
        "    get:\n"
        "      x-internal: {schema: {type: 7}}\n"
        "      responses:\n"
        "        '204': {description: ok}\n"
    )
    code, lines = generate(spec, tmp_path / "out", capsys)
    assert (code, lines) == (0, [])


@pytest.mark.parametrize("version", ["3.1.0", "3.0.3"])
def test_bad_parameters_responses_and_bodies_are_reported_at_the_faulty_keyword(
    version: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """3.0 wraps each of these in `oneOf: [X, Reference]`: the fault is reported, not the oneOf."""
    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        f"openapi: {version}\n"
        "info: {title: t, version: '1'}\n"
        "paths:\n"
        "  /a:\n"
        "    get:\n"
        "      parameters:\n"
        "        - {name: q, in: bogus, schema: {type: string}}\n"
        "      responses:\n"
        "        '200': {content: {application/json: {schema: {type: string}}}}\n"
        "    post:\n"
        "      requestBody: {description: x}\n"
        "      responses:\n"
        "        '201': {description: ok}\n"
    )
    code, lines = generate(spec, tmp_path / "out", capsys)
    assert code == 2
    assert [re.sub(r'"path", "query"|"query", "header"', "...", line) for line in lines] == [
        '7:21: /paths/~1a/get/parameters/0/in: "bogus" is not one of ... or 2 other candidates',
        '9:16: /paths/~1a/get/responses/200: "description" is a required property',
        '11:20: /paths/~1a/post/requestBody: "content" is a required property',
    ]
