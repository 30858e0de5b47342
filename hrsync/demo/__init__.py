"""`hrsync demo`: the main job end to end on embedded defaults (SQLite, the sandbox HR server)."""
