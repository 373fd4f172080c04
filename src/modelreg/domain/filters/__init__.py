"""The filterQuery language: lexer and parser to an AST, resolution against an entity."""
