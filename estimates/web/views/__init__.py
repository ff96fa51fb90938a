"""The page views, one module per page family; each reads load → validate → render."""
