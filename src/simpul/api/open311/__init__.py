"""Open311 GeoReport v2 façade over Simpul's complaint cases (https://wiki.open311.org/GeoReport_v2).

Mounted at `/open311/v2/`. Every endpoint answers `.json` and `.xml`. Complaint categories are the published
`pengaduan` services; a POSTed request becomes a complaint case through `simpul.cases.intake.submit`
(channel `api`), the same service the portal uses. See `views` for the mapping of parameters.
"""
