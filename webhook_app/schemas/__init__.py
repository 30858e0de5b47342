"""Marshmallow schemas of the JSON API: request bodies (unknown fields refused) and responses."""
