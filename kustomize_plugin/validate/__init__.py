"""Checks that DPF's API server or controller would make, each returning results and never raising for user errors."""
