"""Persistence: the tables, the engine, the migrations and the repositories."""
