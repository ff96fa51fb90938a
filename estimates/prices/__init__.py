"""Price books: the dated file format and its data, AWS Price List reading, price-change reports.

book_file.py reads, checks, loads and dumps a book file (price_books/*.json, loaded by the
migrations); aws_import.py turns Price List offer files into a book's data; changes.py says what
moved between two books or two quotes. May import estimates.pricing only, and Django's database
tools for loading a book.
"""
