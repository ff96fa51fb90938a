"""The HTML pages: the editor, saved estimates, comparisons, price books, Terraform import.

views/ holds one module per page family, forms.py their forms, exports.py the CSV writers,
urls.py every page route. A top layer beside estimates.api: may import models, importers, prices,
pricing and ratelimit, never estimates.api.
"""
