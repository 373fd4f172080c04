"""Use cases and rules of the registry. Imports no web framework and no SQL toolkit."""
