"""Warm starts: the greedy plan, min-cost-flow rounds and LP-guided starts."""
