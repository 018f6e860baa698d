"""The schemes registry API under /api/v1/: catalogue, hosts, points, the self-management
structure and counts, one module per area.

Every list passes through `queries.*_for_user` (jurisdiction) and single records come
through `get_*_for_user` or the scoped queryset (outside: 404). Writes check
`permissions.can_write_*` on the record's unit (403) and go through the services; a
service's refusal (a Django ValidationError keyed by field) becomes a 400 keyed by the
same field, a stale edit 409 (see `base`).
"""
