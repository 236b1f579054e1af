import torch
import torch.nn as nn


class Model(nn.Module):
    """Single square matrix multiplication C = A @ B (KernelBench level1-style)."""

    def __init__(self):
        super().__init__()

    def forward(self, A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
        return torch.matmul(A, B)


N = 2048


def get_inputs():
    return [torch.randn(N, N), torch.randn(N, N)]


def get_init_inputs():
    return []
