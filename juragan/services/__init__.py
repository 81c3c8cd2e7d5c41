"""Plain-Python operations: they take an actor and values, flush, and never commit."""
