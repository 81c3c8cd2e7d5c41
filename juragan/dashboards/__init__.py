"""The programme's dashboards: upkeep of the summary tables, the figures read from
them and the charts drawn from the figures."""
