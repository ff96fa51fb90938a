"""The JSON API under /api/v1/: request parsing and response shaping, the OpenAPI document.

payloads.py turns bodies into engine items and quotes or estimates into JSON, openapi.py is the
document, views.py and docs.py the views, urls.py the routes. A top layer beside estimates.web:
may import models, importers, prices, pricing and ratelimit, never estimates.web.
"""
