"""Price books: the dated file format and its data, AWS Price List reading, price-change reports.

book_file.py reads, checks, loads and dumps a book file (price_books/*.json, loaded by the
migrations); aws_import.py turns Price List offer files into a book's data; bulk_api.py reads
them from the Price List Bulk API over HTTP (the stdlib's urllib, streamed); changes.py says what
moved between two books or two quotes, and what a book lacks in a Region. May import
estimates.pricing only, and Django's database tools for loading a book.
"""
