"""The models module, rendered by datamodel-code-generator from the prepared schemas in the IR."""

from __future__ import annotations

import re
import warnings
from typing import Any

from ..ir import Api
from ..patterns import python_patterns
from .union_shapes import distribute

# a model class whose base is another generated model (not BaseModel, RootModel, an enum or a helper)
PROTECTED_FIELD = re.compile(r"^(    )((?:model_validate|model_dump)\w*?)_?(: Annotated\[)", re.MULTILINE)
SUBCLASS = re.compile(
    r"^class \w+\((?!BaseModel\b|RootModel\b|StrEnum\b|IntEnum\b|Enum\b|_)\w+\):", re.MULTILINE
)


def render_models(api: Api, header: str) -> str:
    """Source of `models.py`: one Pydantic v2 model per prepared schema, names as the IR chose them."""
    return render_models_for(api.model_schemas, header)


def render_models_for(schemas: dict[str, Any], header: str) -> str:
    """`render_models` on the schemas alone: what crosses to the worker process is plain data."""
    # Imported here: the import alone costs ~0.3 s, and an unchanged spec must not pay it.
    from datamodel_code_generator import GenerateConfig, generate
    from datamodel_code_generator.enums import DataModelType, InputFileType
    from datamodel_code_generator.format import DatetimeClassType, PythonVersion

    if not schemas:
        return header + "\nfrom __future__ import annotations\n"
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "models", "version": "0"},
        "paths": {},
        "components": {"schemas": distribute(schemas)},
    }
    config = GenerateConfig(
        input_file_type=InputFileType.OpenAPI,
        output_model_type=DataModelType.PydanticV2BaseModel,
        target_python_version=PythonVersion.PY_311,
        target_pydantic_version="2.14",
        # no formatting here: ruff formats the whole package afterwards (write.format_python), and
        # datamodel-code-generator's own formatter was a third of its time on big specs
        formatters=[],
        disable_timestamp=True,
        custom_file_header=header,
        use_annotated=True,
        field_constraints=True,
        use_missing_sentinel=True,
        strict_nullable=True,
        set_default_enum_member=True,
        use_standard_collections=True,
        use_union_operator=True,
        snake_case_field=True,
        allow_population_by_field_name=True,
        use_schema_description=True,
        use_field_description=True,
        capitalise_enum_members=True,
        use_double_quotes=True,
        collapse_root_models=True,
        # constrained array items become `Tag = TypeAliasType(...)`, not RootModels
        use_type_alias=True,
        # uniqueItems, minProperties/maxProperties: Pydantic has no such constraints
        generate_schema_validators=True,
        output_datetime_class=DatetimeClassType.Awaredatetime,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "format X not understood": the field stays a plain str
        result = generate(document, config=config)
    if isinstance(result, dict):  # a multi-module result would mean a name with dots slipped through
        raise RuntimeError("datamodel-code-generator produced several modules")
    # what its formatter did first, and ruff does not: universal newlines, and no trailing whitespace
    # even inside docstrings (a description's line breaks and spaces land there as they are)
    lines = str(result).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    source = python_patterns("\n".join(line.rstrip() for line in lines))
    # a property `model_dump` becomes `model_dump_`, which pydantic still warns of (protected namespace):
    # the field (always aliased to its wire name) is renamed as parameters are, see names.field_name
    source = PROTECTED_FIELD.sub(r"\1field_\2\3", source)
    silenced = []
    if "class _JsonSchemaRuntimeValidationBaseCore" in source:
        # the uniqueItems helper datamodel-code-generator writes passes an `int | None` fingerprint to
        # dict.get: harmless at run time
        silenced.append("arg-type")
    if "__json_schema_pattern_properties__" in source:
        # the patternProperties helper datamodel-code-generator writes leaves a dict unannotated and
        # assigns into the Mapping it was given (after copying it): harmless at run time
        silenced += ["var-annotated", "index"]
    if SUBCLASS.search(source):
        # allOf becomes a subclass that narrows an inherited field (`list[Station]` for `list[dict]`):
        # valid for pydantic, an invariance complaint for mypy
        silenced.append("assignment")
    if silenced:  # for this module only, and only the codes these patterns need
        directive = f'\n# mypy: disable-error-code="{",".join(silenced)}"\n'
        source = source.replace("\nfrom __future__", directive + "\nfrom __future__", 1)
    return source


PYDANTIC_IMPORT = re.compile(r"^from pydantic import (?:\(([^)]*)\)|(.+))$", re.MULTILINE)


def with_runtime_formats(source: str) -> str:
    """The server's models take `EmailStr` from the runtime (RFC 5321 syntax, the value as sent),
    not Pydantic's, which refuses special-use domains (see specfirst_runtime.formats)."""
    if "EmailStr" not in source:
        return source

    def replace(match: re.Match[str]) -> str:
        names = [n.strip() for n in (match.group(1) or match.group(2)).split(",") if n.strip()]
        kept = [n for n in names if n != "EmailStr"]
        line = f"from pydantic import {', '.join(kept)}\n" if kept else ""
        return line + "from specfirst_runtime.formats import EmailStr"

    return PYDANTIC_IMPORT.sub(replace, source, count=1)


def warm_up() -> None:
    """Import datamodel-code-generator and run it once on a tiny schema (its lazy setup costs ~0.4 s)."""
    render_models_for({"Warm": {"type": "object", "properties": {"a": {"type": "string"}}}}, "#")
