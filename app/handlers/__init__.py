"""The handler implementations, one module per tag of the contract."""
