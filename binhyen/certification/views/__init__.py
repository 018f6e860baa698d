"""Pages of the certification workflow: pages (a commune's year, the list, a
certification and its steps, registration), criteria (the criteria sets), files
(downloads of step and evidence files), public (the certificate check) and exports
(certificate PDF, XLSX lists, the registrations import)."""
