"""The service's routers, one module per resource (each exposes ``router``)."""
