"""An allOf over one union, handed to datamodel-code-generator as the union of allOfs it means.

`allOf: [{anyOf: [A, B, ...]}, O]` and `anyOf: [{allOf: [A, O]}, {allOf: [B, O]}, ...]` accept the same
values (for oneOf too: O holds for every value either form accepts). datamodel-code-generator gives both
the same models (one class per branch, O's properties in each), but for the first form it searches every
branch's whole reference tree for uniqueItems rules once per branch: on openai.yaml's two 58-branch event
streams that search was 30 of 46 seconds. The second form costs it a linear walk.
"""

from __future__ import annotations

from typing import Any

UNIONS = ("anyOf", "oneOf")
# what a union member of an allOf may carry besides its union for the rewrite to mean the same
ANNOTATIONS = {"description", "title", "discriminator"}


def distribute(node: Any) -> Any:
    """`node` (schemas as plain data) with every allOf over exactly one pure union distributed; the
    input is not changed."""
    if isinstance(node, list):
        return [distribute(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: distribute(value) for key, value in node.items()}
    parts = node.get("allOf")
    if not isinstance(parts, list) or len(parts) < 2 or any(k in node for k in UNIONS):
        return node
    unions = [i for i, part in enumerate(parts) if _pure_union(part)]
    if len(unions) != 1:
        return node
    union = parts[unions[0]]
    others = [part for i, part in enumerate(parts) if i != unions[0]]
    keyword = next(k for k in UNIONS if k in union)
    result = {key: value for key, value in node.items() if key != "allOf"}
    result[keyword] = [{"allOf": [branch, *others]} for branch in union[keyword]]
    if "discriminator" in union and "discriminator" not in result:
        result["discriminator"] = union["discriminator"]
    return result


def _pure_union(part: Any) -> bool:
    if not isinstance(part, dict):
        return False
    unions = [k for k in UNIONS if isinstance(part.get(k), list) and part[k]]
    return len(unions) == 1 and set(part) - {unions[0]} <= ANNOTATIONS
