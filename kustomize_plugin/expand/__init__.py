"""Builders of the four child kinds, pure functions from the resolved views of one DPUDeployment to dicts."""
