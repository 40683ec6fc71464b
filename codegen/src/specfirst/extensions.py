"""Which `x-` keys are vendor extensions and which are names.

OpenAPI objects and schemas allow `^x-` keys as extensions, but many maps key their values by a name the
contract chooses: a response header `x-request-id`, a property `x-trace`, a component `x-thing`. Those are
never extensions. Every walker over the raw document asks here, so they all agree on the position.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Keys whose value is a map from a name to an object (or a value), when the key is itself a field of an
# OpenAPI object or a schema keyword (not a name inside one of these maps).
NAME_MAPS = frozenset(
    {
        # schema keywords
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "dependentSchemas",
        "dependentRequired",
        "mapping",
        # OpenAPI objects
        "schemas",
        "parameters",  # under components (an operation's parameters are a list)
        "examples",  # media types, parameters, components (a schema's examples are a list)
        "requestBodies",
        "headers",
        "securitySchemes",
        "links",
        "callbacks",
        "pathItems",
        "webhooks",
        "content",
        "encoding",
        "variables",
        "scopes",
    }
)

# Schema keywords whose value maps names to schemas (`properties` has its own handling everywhere).
SCHEMA_NAME_MAPS = frozenset({"patternProperties", "$defs", "definitions", "dependentSchemas"})

# Maps of names only under `components`: an operation's `responses` are status codes beside extensions.
COMPONENT_NAME_MAPS = frozenset({"responses"})


def is_name_map(key: object, *, key_is_name: bool, parent: object = None) -> bool:
    """Is the value under `key` a map of names?

    `key_is_name` says `key` is itself a name (a property called `properties` holds a schema, not a map);
    `parent` is the key the object holding `key` sits under.
    """
    if key_is_name or not isinstance(key, str):
        return False
    return key in NAME_MAPS or (key in COMPONENT_NAME_MAPS and parent == "components")


def is_extension(key: object, *, in_name_map: bool) -> bool:
    """Is `key` a vendor extension where it stands? Never inside a map of names."""
    return not in_name_map and isinstance(key, str) and key.startswith("x-")


def without_extensions(mapping: Mapping[Any, Any]) -> dict[Any, Any]:
    """The entries of an object that allows extensions beside its names (paths, responses, callbacks)."""
    return {key: value for key, value in mapping.items() if not is_extension(key, in_name_map=False)}
