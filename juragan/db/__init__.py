"""Database plumbing under every path: the data-layer scope, the audit listener,
stored files, the vault, SQL date helpers and pagination; and the reads that the
services and the reports share (``loan_reading``, ``plan_reading``)."""
