"""Demo and generated data: the demo's people, plans, loans and mentoring."""
