"""A plain PyTorch Llama-style model for terse's benchmark references (bench/reference_*.py).

Written from the architecture's definition: RMSNorm, rotary embeddings, grouped-query attention,
SwiGLU MLP, untied output layer. `forward` takes an optional list of per-layer (key, value)
tensors and grows it with torch.cat, as a Hugging Face-style sampling loop does.
"""
import argparse
import json
import math

import torch


def rms_norm(x, weight, eps):
    variance = x.pow(2).mean(-1, keepdim=True)
    return x * torch.rsqrt(variance + eps) * weight


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Model:
    def __init__(self, cfg, dtype, generator):
        self.cfg = cfg
        h = cfg["hidden_size"]
        self.heads = cfg["num_attention_heads"]
        self.kv_heads = cfg["num_key_value_heads"]
        self.head_dim = h // self.heads
        inter = cfg["intermediate_size"]
        vocab = cfg["vocab_size"]

        def matrix(rows, cols):
            return (torch.randn(rows, cols, generator=generator) * 0.02).to(dtype)

        self.embed = matrix(vocab, h)
        self.layers = []
        for _ in range(cfg["num_hidden_layers"]):
            self.layers.append({
                "ln1": torch.ones(h, dtype=dtype), "ln2": torch.ones(h, dtype=dtype),
                "q": matrix(self.heads * self.head_dim, h),
                "k": matrix(self.kv_heads * self.head_dim, h),
                "v": matrix(self.kv_heads * self.head_dim, h),
                "o": matrix(h, self.heads * self.head_dim),
                "gate": matrix(inter, h), "up": matrix(inter, h), "down": matrix(h, inter),
            })
        self.norm = torch.ones(h, dtype=dtype)
        self.lm_head = matrix(vocab, h)
        inv = 1.0 / (cfg.get("rope_theta", 10000.0) **
                     (torch.arange(0, self.head_dim, 2, dtype=torch.float32) / self.head_dim))
        self.inv_freq = inv
        self.eps = cfg.get("rms_norm_eps", 1e-6)

    def rope(self, positions, dtype):
        freqs = positions[:, None].float() * self.inv_freq[None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos().to(dtype), emb.sin().to(dtype)

    def parameters(self):
        tensors = [self.embed, self.norm, self.lm_head]
        for layer in self.layers:
            tensors.extend(layer.values())
        return tensors

    def forward(self, ids, start, cache, all_positions=False):
        """ids [N, T] at positions start..start+T-1; cache: list of (k, v) or None.

        Returns the next-token logits of the last position [N, V] (or of every position,
        [N, T, V], with all_positions) and the grown cache."""
        n, t = ids.shape
        x = self.embed[ids]
        cos, sin = self.rope(torch.arange(start, start + t), x.dtype)
        new_cache = []
        for i, layer in enumerate(self.layers):
            y = rms_norm(x, layer["ln1"], self.eps)
            q = (y @ layer["q"].T).view(n, t, self.heads, self.head_dim).transpose(1, 2)
            k = (y @ layer["k"].T).view(n, t, self.kv_heads, self.head_dim).transpose(1, 2)
            v = (y @ layer["v"].T).view(n, t, self.kv_heads, self.head_dim).transpose(1, 2)
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
            if cache is not None:  # the growing cache of a Hugging Face-style loop
                k = torch.cat([cache[i][0], k], dim=2)
                v = torch.cat([cache[i][1], v], dim=2)
            new_cache.append((k, v))
            rep = self.heads // self.kv_heads
            kk = k.repeat_interleave(rep, dim=1)
            vv = v.repeat_interleave(rep, dim=1)
            scores = q @ kk.transpose(-1, -2) / math.sqrt(self.head_dim)
            total = kk.shape[2]
            causal = torch.ones(t, total, dtype=torch.bool).tril(total - t)
            scores = scores.masked_fill(~causal, float("-inf"))
            attn = scores.softmax(-1) @ vv
            x = x + attn.transpose(1, 2).reshape(n, t, -1) @ layer["o"].T
            y = rms_norm(x, layer["ln2"], self.eps)
            x = x + (torch.nn.functional.silu(y @ layer["gate"].T) * (y @ layer["up"].T)) @ layer["down"].T
        x = rms_norm(x, self.norm, self.eps)
        return (x if all_positions else x[:, -1]) @ self.lm_head.T, new_cache


def parse_args(description, workload):
    """Command-line arguments of a reference benchmark: the shared ones (model config, threads,
    dtype) plus `workload`, a list of (flag, default) integer options."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--model-config", required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--dtype", choices=["fp32", "bf16"], default="fp32")
    for flag, default in workload:
        parser.add_argument(flag, type=int, default=default)
    return parser.parse_args()


def build_model(args):
    """Sets the thread count and returns (config, random-weight Model, seeded generator)."""
    torch.set_num_threads(args.threads)
    dtype = torch.bfloat16 if args.dtype == "bf16" else torch.float32
    with open(args.model_config) as f:
        cfg = json.load(f)
    generator = torch.Generator().manual_seed(0)
    return cfg, Model(cfg, dtype, generator), generator
