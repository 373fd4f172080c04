"""Routes per resource family; each module builds one router for an API version."""
