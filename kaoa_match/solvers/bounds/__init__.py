"""Bounds of the levels over every option of the Kreis, and how they combine."""
