"""Read-only figures for pages and dashboards, always through policy scoping."""
