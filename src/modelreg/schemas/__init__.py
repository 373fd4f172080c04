"""Pydantic wire models shared by the server, the SDK and the CLI."""
