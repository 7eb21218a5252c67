"""Tests of gradwork.torch, the PyTorch facade, each against real PyTorch where it has the same thing."""
