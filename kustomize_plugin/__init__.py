"""dpf-render: expand NVIDIA DPF DPUDeployments offline into the objects DPF's controller would create."""

__version__ = "0.1.0"
