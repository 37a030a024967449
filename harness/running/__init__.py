"""Layer 2, scenarios run in fresh interpreters: the targets (``targets``, ``discovery``,
``wine``), one run and what it left (``runner``, ``spec``, ``environment``, ``process_tree``),
the session's cache of runs (``cache``), and what a run wrote, parsed (``trace``, ``mplog``)."""
