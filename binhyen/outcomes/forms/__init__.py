"""Forms of the registers' pages, one module per area."""
