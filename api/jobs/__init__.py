"""Solve jobs: their rows (:mod:`api.jobs.store`), the child process that solves one
(:mod:`api.jobs.worker`) and the bounded pool of worker processes (:mod:`api.jobs.pool`)."""
