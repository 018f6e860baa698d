"""Serializers of the schemes API, one module per area like the rest of the app
(catalogue, hosts, points, structure, counts; shared pieces in common).

Read serializers shape records for lists and details. Write serializers only check the
shape of the input and turn codes into objects: units are given by code and resolved on
the record's own date (a code names a unit only together with a date); every rule is
checked by the services, whose refusals come back as 400 keyed by field.
"""
