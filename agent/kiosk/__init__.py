"""Grounded answers for shoppers: catalog, retrieval, checking, HTTP API and page."""
