"""hrsync: configuration and command line; the parts live in domain/, providers/, store/, workers/, webhook_app/."""
