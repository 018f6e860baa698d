"""Forms of tips and cases, one module per area."""
