#!/usr/bin/env python3
"""Regenerates examples/tiny_cnn.onnx, the small model the README's main
command runs on: a LeNet-sized CNN for 1x1x28x28 inputs (random weights, fixed
seed). Usage: make_tiny_cnn.py [OUT]"""
import sys

import torch
import torch.nn as nn


class TinyCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(16 * 7 * 7, 10))

    def forward(self, x):
        return torch.softmax(self.classifier(self.features(x)), dim=1)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tiny_cnn.onnx"
    torch.manual_seed(0)
    model = TinyCNN().eval()
    torch.onnx.export(model, (torch.randn(1, 1, 28, 28),), out, input_names=["image"],
                      output_names=["probabilities"], opset_version=13)


if __name__ == "__main__":
    main()
