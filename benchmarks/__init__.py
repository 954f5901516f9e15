"""Benchmarks of the annotated reader: synthetic corpora in three variants
(ours, stock Jupyter Book, engine off) and the real book. ``make bench`` runs
``python -m benchmarks.run``."""
