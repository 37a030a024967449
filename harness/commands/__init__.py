"""The commands of ``python -m harness``: each a main(argv) that returns an exit status."""
