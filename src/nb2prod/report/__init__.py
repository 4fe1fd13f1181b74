"""Renderings of check reports: text for terminals and logs, JSON for tools."""
