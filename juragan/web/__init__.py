"""What the blueprints share: access helpers, form pieces, static assets, request
limits and the phone's draft tags."""
