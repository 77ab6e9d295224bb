"""Tests of the planning service (api/): in-process, and against real servers."""
