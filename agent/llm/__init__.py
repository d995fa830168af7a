"""Local language model: build, load, generate."""
