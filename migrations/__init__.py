"""Alembic environment and versions for the awsmock schema (shipped as package data)."""
