"""The canary: breaks every process start.  If it survives, injection failed."""

import multiprocessing.process

from mutants import mutant


@mutant("canary", claims=(), description="Process.start() raises: nothing can run")
def canary():
    def start(self):
        raise RuntimeError("mpspec canary mutant: Process.start() is broken on purpose")

    multiprocessing.process.BaseProcess.start = start
