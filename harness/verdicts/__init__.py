"""Layer 3, observations to verdicts: a test's observation against its prediction
(``observe``), a matrix cell's status (``cells``), the verdict matrix as data (``matrix``,
``predicted``), and declared verdicts checked against the observed points (``derive``)."""
