"""Evaluations on the gold data in shared/eval; each scores its baseline in the same run."""
