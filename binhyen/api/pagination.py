from rest_framework.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    """`?limit=&offset=`, 100 by default and at most 1,000 a page: an unbounded limit
    let one request read a whole table (and a limit past 2⁶³ failed in the database)."""

    max_limit = 1000
