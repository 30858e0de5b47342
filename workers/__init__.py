"""Background work: the sync pipeline (fetch → map → match → store) and its wiring."""
