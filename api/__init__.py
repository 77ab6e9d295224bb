"""The planning service: a FastAPI app over the :mod:`planner` library.

Planners create scenarios, solve them in a bounded pool of worker processes, publish
plans as numbered versions of their season; analysts read everything; each residents'
committee reads only its own calendar. ``planner`` never imports ``api``.
"""
