"""The only package that imports SQLAlchemy: MLMD tables, repositories, migrations."""
