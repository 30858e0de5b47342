"""A labelled matching set (cases.py) and its score (score.py); `python -m tests.unit.domain.matching_set.report`."""
