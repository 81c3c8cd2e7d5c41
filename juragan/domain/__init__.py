"""The domain: rules and arithmetic in plain Python, without Flask, the database or
the models (``docs/architecture.md``)."""
