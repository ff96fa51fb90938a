"""The JSON API under /api/v1/: request parsing and response shaping, the OpenAPI document.

shapes.py declares every body and answer once (schema.py is how); payloads.py turns bodies into
engine items and quotes or estimates into JSON through those declarations, openapi.py makes the
document from them, views.py and docs.py are the views, urls.py the routes. A top layer beside
estimates.web: may import models, importers, prices, pricing and ratelimit, never estimates.web.
"""
