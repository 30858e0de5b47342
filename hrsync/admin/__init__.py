"""Company administration shared by the JSON API and the command line: integration, mapping, registry."""
