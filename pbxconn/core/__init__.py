"""Shared building blocks: findings, JSON pointers, source locations, atomic writes."""
