"""Ingest: file -> text -> normalised text -> metadata -> chunks -> numeric facts -> stored."""
