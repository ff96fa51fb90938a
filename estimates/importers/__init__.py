"""Importers: each turns a foreign document into estimate cards plus what it could not price.

Owns terraform/ (Terraform JSON plans) and base.py, the shape every importer returns
(ImportResult: items, needs_usage, unpriced, warnings), so a billing export importer returns the
same. May import estimates.prices and estimates.pricing; never models, views or the API.
"""
