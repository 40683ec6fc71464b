"""A spec with five independent mistakes: all five reported at once, each on one line with a suggestion
where a name is misspelt, and with a readable path beside the exact (escaped) pointer."""

from __future__ import annotations

from pathlib import Path

import pytest

from specfirst.cli import main
from specfirst.diagnostics import readable_pointer
from tests.conftest import FEATURE_SPECS

SPECS = FEATURE_SPECS / "every-error"
HISTORY = "/paths/~1items~1{itemId}~1history/get"
READ = "paths > /items/{itemId}/history > get"


def expected(types: str, unexpected: str) -> list[str]:
    return [
        f"23:19: {HISTORY}/responses/200/content/application~1json/schema/items/$ref: "
        "$ref '#/components/schemas/ItemHistoryEntri' does not resolve; did you mean 'ItemHistoryEntry'? "
        f"[{READ} > responses > 200 > content > application/json > schema > items > $ref]",
        f"8:7: {HISTORY}: path parameter {{itemId}} of '/items/{{itemId}}/history' is not declared in "
        f"`parameters` [{READ}]",
        "26:7: /paths/~1items/get/operationId: operationId 'getItemHistory' is already used by "
        "GET /items/{itemId}/history [paths > /items > get > operationId]",
        f"14:13: {HISTORY}/parameters/0/schema/type: 'int' is not a valid type (one of {types}); "
        f"did you mean 'integer'? [{READ} > parameters > 0 > schema > type]",
        f"10:11: {HISTORY}/parameters/0: {unexpected} properties are not allowed "
        f"('requried' was unexpected); did you mean 'required'? [{READ} > parameters > 0]",
    ]


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("openapi31.yaml", expected("array, boolean, integer, null, number, object, string", "Unevaluated")),
        ("openapi30.yaml", expected("array, boolean, integer, number, object, string", "Additional")),
    ],
)
def test_five_independent_mistakes_are_reported_at_once(
    name: str, lines: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = SPECS / name
    code = main(["generate", str(spec), "--out", str(tmp_path / "pkg")])

    located = []
    for line in capsys.readouterr().err.splitlines():  # FILE:LINE:COL first, one problem per line
        file, rest = line.split(".yaml:", 1)
        assert Path(f"{file}.yaml").resolve() == spec.resolve(), line
        located.append(rest)
    assert located == [*lines, " 5 error(s); nothing was written"]
    assert code == 2
    assert not (tmp_path / "pkg").exists()


def test_a_pointer_is_shown_readably_only_where_escapes_make_it_hard_to_read() -> None:
    assert readable_pointer("/components/schemas/Item/properties/id") == ""
    assert readable_pointer("/paths/~1a~0b/get") == "paths > /a~b > get"


def test_a_ref_broken_midway_names_the_step_that_finds_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        (SPECS / "openapi31.yaml")
        .read_text()
        .replace("#/components/schemas/ItemHistoryEntri", "#/components/schema/ItemHistoryEntry")
    )
    main(["generate", str(spec), "--out", str(tmp_path / "pkg")])

    first = capsys.readouterr().err.splitlines()[0]
    ref = "'#/components/schema/ItemHistoryEntry'"
    assert f"$ref {ref} does not resolve: no 'schema' in /components; " in first
    assert "did you mean 'schemas'?" in first
