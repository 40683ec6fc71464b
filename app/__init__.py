"""The example service: an item store with users, written against the generated handler interfaces."""
