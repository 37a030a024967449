"""Layer 1, what the note says and what a run will observe: the claim model (``model``),
the catalogue of claims per section (``catalogue/``), the verdict derived from points
(``points``), the note read at run time (``note``) and its transcripts checked
(``note_transcripts``).  Imports nothing of the harness above it."""
