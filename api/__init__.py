"""The HTTP edge: app factory, routing to service and operation, protocols, admin endpoints."""
