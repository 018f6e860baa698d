"""Pages of the outcome registers, one module per area."""
