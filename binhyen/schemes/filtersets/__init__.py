"""Filter sets shared by list pages and the API, one module per area."""
