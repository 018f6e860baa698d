"""Pages of the registry, one module per area (points, catalogue, hosts, structure, imports)."""
