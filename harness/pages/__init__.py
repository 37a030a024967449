"""Layer 4, what people read: the report's claims table (``claims_table``), the matrix page
and text (``matrix_page``, ``matrix_text``), the annotated note (``note_page``), a run's
timeline (``timeline``, ``timeline_lanes``), their shared style and writing (``style``,
``files``), and the Chromium the browser checks drive (``browser``)."""
