"""The generated Python SDK's hand-written core: copied verbatim (this file excepted) into every SDK.

The modules import one another relatively and never import generated code, so they type-check here as
they will inside a generated package.
"""
