#!/usr/bin/env python3
"""Exports the public test models with PyTorch (random weights, fixed seed).

Usage: export_models.py OUTDIR [NAME ...] [--opset N]

Models: resnet18, resnet50, mobilenet_v2, bert_encoder, bert_long, lstm, mlp_embedding,
sdpa_<heads>x<tokens>x<features> (attention alone, e.g. sdpa_4x1024x64), and tv_<arch> for
any torchvision classification architecture (e.g. tv_swin_t).
Each is written as OUTDIR/NAME.onnx (or NAME-opsetN.onnx when --opset is given).
"""
import argparse
import os
import sys

import torch
import torch.nn as nn


class BertEncoder(nn.Module):
    """A BERT-style encoder: token + position embeddings, LayerNorm, and
    transformer encoder layers with GELU feed-forward blocks."""

    def __init__(self, vocab=1000, hidden=128, heads=4, layers=2, seq=32):
        super().__init__()
        self.tokens = nn.Embedding(vocab, hidden)
        self.positions = nn.Embedding(seq, hidden)
        self.norm = nn.LayerNorm(hidden)
        layer = nn.TransformerEncoderLayer(hidden, heads, dim_feedforward=4 * hidden,
                                           dropout=0.0, activation="gelu",
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers)
        self.pooler = nn.Linear(hidden, hidden)
        self.register_buffer("position_ids", torch.arange(seq).unsqueeze(0))

    def forward(self, input_ids):
        x = self.tokens(input_ids) + self.positions(self.position_ids)
        x = self.encoder(self.norm(x))
        return torch.tanh(self.pooler(x[:, 0]))


class ScaledDotProductAttention(nn.Module):
    """softmax(q k^T / sqrt(d)) v, as transformer layers write it out."""

    def forward(self, q, k, v):
        scores = q @ k.transpose(-1, -2) / float(q.shape[-1]) ** 0.5
        return torch.softmax(scores, dim=-1) @ v


class LSTMModel(nn.Module):
    def __init__(self, features=16, hidden=32):
        super().__init__()
        self.lstm = nn.LSTM(features, hidden, num_layers=2, batch_first=True)
        self.head = nn.Linear(hidden, 4)

    def forward(self, x):
        y, _ = self.lstm(x)
        return self.head(y[:, -1])


class MLPWithEmbedding(nn.Module):
    def __init__(self, vocab=500, dim=32, dense=13):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.mlp = nn.Sequential(nn.Linear(dim * 4 + dense, 64), nn.ReLU(),
                                 nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, ids, dense):
        e = self.embedding(ids).flatten(1)
        return torch.sigmoid(self.mlp(torch.cat([e, dense], dim=1)))


def build(name):
    torch.manual_seed(0)
    if name == "resnet18":
        import torchvision
        return torchvision.models.resnet18(), (torch.randn(1, 3, 224, 224),), ["input"]
    if name == "resnet50":
        import torchvision
        return torchvision.models.resnet50(), (torch.randn(1, 3, 224, 224),), ["input"]
    if name == "mobilenet_v2":
        import torchvision
        return torchvision.models.mobilenet_v2(), (torch.randn(1, 3, 224, 224),), ["input"]
    if name == "bert_encoder":
        return BertEncoder(), (torch.randint(0, 1000, (1, 32)),), ["input_ids"]
    if name == "bert_long":
        # Longer rows than bert_encoder: 4 heads of 256 x 256 scores (256 KB
        # each), where fused attention keeps the scores in L1.
        return (BertEncoder(hidden=256, heads=4, seq=256),
                (torch.randint(0, 1000, (1, 256)),), ["input_ids"])
    if name == "lstm":
        return LSTMModel(), (torch.randn(1, 10, 16),), ["x"]
    if name == "mlp_embedding":
        return (MLPWithEmbedding(), (torch.randint(0, 500, (2, 4)), torch.randn(2, 13)),
                ["ids", "dense"])
    if name.startswith("sdpa_"):
        # Scaled dot-product attention alone, sdpa_<heads>x<tokens>x<features>:
        # queries, keys and values as inputs [1, heads, tokens, features].
        heads, tokens, features = (int(v) for v in name[5:].split("x"))
        inputs = tuple(torch.randn(1, heads, tokens, features) for _ in range(3))
        return ScaledDotProductAttention(), inputs, ["q", "k", "v"]
    if name.startswith("tv_"):
        # Any torchvision classification architecture, random weights.
        import torchvision
        arch = name[3:]
        kwargs = {"aux_logits": False, "init_weights": True} if arch in (
            "googlenet", "inception_v3") else {}
        size = 299 if arch == "inception_v3" else 224
        return getattr(torchvision.models, arch)(**kwargs), (torch.randn(1, 3, size, size),), ["input"]
    raise SystemExit(f"unknown model '{name}'")


ALL = ["resnet18", "mobilenet_v2", "bert_encoder", "lstm", "mlp_embedding"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("outdir")
    parser.add_argument("names", nargs="*", default=ALL)
    parser.add_argument("--opset", type=int, default=None)
    args = parser.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    for name in args.names:
        model, inputs, input_names = build(name)
        model.eval()
        suffix = f"-opset{args.opset}" if args.opset else ""
        path = os.path.join(args.outdir, f"{name}{suffix}.onnx")
        # Grad stays enabled: in eval mode under no_grad, PyTorch 1.13 routes
        # TransformerEncoderLayer to a fused kernel that has no ONNX export.
        torch.onnx.export(model, inputs, path, input_names=input_names,
                          output_names=["output"], opset_version=args.opset or 13,
                          do_constant_folding=True)
        print(path)


if __name__ == "__main__":
    sys.exit(main())
