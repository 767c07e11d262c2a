#!/usr/bin/env python3
"""Independent reference for terse's transformer: a plain PyTorch (float64) implementation of the
Llama / Qwen2 / Qwen3 decoder, written from the architectures' definitions, that reads a Hugging
Face directory (config.json + safetensors) without terse's code.

    reference_model.py MODEL_DIR INPUT.json OUTPUT.json

INPUT.json is {"sequences": [[token ids], ...]}; OUTPUT.json gets {"logits": [[[V floats] per
token] per sequence]}. Each sequence is run alone, at positions 0..T-1, with a causal mask, so
padding and batching in terse are checked against sequences that have neither.

Needs only Debian's python3-torch (no transformers, no safetensors package).
"""

import json
import math
import os
import struct
import sys

import torch

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64}


def read_safetensors(path):
    """Every tensor of one safetensors file, as float64."""
    with open(path, "rb") as f:
        blob = f.read()
    (header_len,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + header_len].decode("utf-8"))
    data = blob[8 + header_len :]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = bytearray(data[begin:end])
        flat = torch.frombuffer(raw, dtype=DTYPES[info["dtype"]]) if raw else torch.zeros(0)
        tensors[name] = flat.to(torch.float64).reshape(info["shape"])
    return tensors


def read_weights(model_dir):
    single = os.path.join(model_dir, "model.safetensors")
    if os.path.exists(single):
        return read_safetensors(single)
    with open(os.path.join(model_dir, "model.safetensors.index.json")) as f:
        index = json.load(f)
    weights = {}
    for shard in sorted(set(index["weight_map"].values())):
        weights.update(read_safetensors(os.path.join(model_dir, shard)))
    return weights


class Config:
    def __init__(self, raw):
        self.model_type = raw["model_type"]
        self.hidden = raw["hidden_size"]
        self.layers = raw["num_hidden_layers"]
        self.heads = raw["num_attention_heads"]
        self.kv_heads = raw.get("num_key_value_heads", self.heads)
        default_head_dim = 128 if self.model_type == "qwen3" else self.hidden // self.heads
        self.head_dim = raw.get("head_dim") or default_head_dim
        if self.model_type == "qwen2":
            self.head_dim = self.hidden // self.heads
        self.eps = raw.get("rms_norm_eps", 1e-6)
        self.theta = raw.get("rope_theta", 10000.0)
        self.rope_scaling = raw.get("rope_scaling")
        self.tied = raw.get("tie_word_embeddings", False)
        # Which projections have biases, per the three architectures.
        attention_bias = raw.get("attention_bias", False)
        self.qkv_bias = True if self.model_type == "qwen2" else attention_bias
        self.o_bias = False if self.model_type == "qwen2" else attention_bias
        self.mlp_bias = raw.get("mlp_bias", False) if self.model_type == "llama" else False
        self.qk_norm = self.model_type == "qwen3"


def rope_frequencies(cfg):
    """theta_i = base^(-2i/d), optionally with Llama 3.1's frequency-dependent stretching."""
    d = cfg.head_dim
    freqs = [cfg.theta ** (-(2.0 * i) / d) for i in range(d // 2)]
    scaling = cfg.rope_scaling
    if scaling and scaling.get("rope_type", scaling.get("type")) == "llama3":
        factor = scaling["factor"]
        low, high = scaling["low_freq_factor"], scaling["high_freq_factor"]
        original = scaling["original_max_position_embeddings"]
        scaled = []
        for f in freqs:
            wavelength = 2 * math.pi / f
            if wavelength < original / high:
                scaled.append(f)
            elif wavelength > original / low:
                scaled.append(f / factor)
            else:
                smooth = (original / wavelength - low) / (high - low)
                scaled.append((1 - smooth) * f / factor + smooth * f)
        freqs = scaled
    return torch.tensor(freqs, dtype=torch.float64)


def rms_norm(x, weight, eps):
    return weight * x / torch.sqrt((x * x).mean(dim=-1, keepdim=True) + eps)


def rotate(x, positions, freqs):
    """Rotates dimension pairs (i, i + d/2) of x [heads, T, d] by position * freq_i, as complex
    numbers: (a + ib) * e^(i angle)."""
    half = x.shape[-1] // 2
    angles = positions[:, None] * freqs[None, :]  # [T, d/2]
    z = torch.complex(x[..., :half], x[..., half:]) * torch.polar(torch.ones_like(angles), angles)
    return torch.cat([z.real, z.imag], dim=-1)


def linear(w, prefix, x, bias):
    y = x @ w[prefix + ".weight"].T
    return y + w[prefix + ".bias"] if bias else y


def forward(cfg, w, ids):
    t = len(ids)
    positions = torch.arange(t, dtype=torch.float64)
    freqs = rope_frequencies(cfg)
    x = w["model.embed_tokens.weight"][torch.tensor(ids)]
    causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
    group = cfg.heads // cfg.kv_heads
    for layer in range(cfg.layers):
        p = f"model.layers.{layer}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], cfg.eps)
        q = linear(w, p + "self_attn.q_proj", h, cfg.qkv_bias).view(t, cfg.heads, cfg.head_dim)
        k = linear(w, p + "self_attn.k_proj", h, cfg.qkv_bias).view(t, cfg.kv_heads, cfg.head_dim)
        v = linear(w, p + "self_attn.v_proj", h, cfg.qkv_bias).view(t, cfg.kv_heads, cfg.head_dim)
        if cfg.qk_norm:
            q = rms_norm(q, w[p + "self_attn.q_norm.weight"], cfg.eps)
            k = rms_norm(k, w[p + "self_attn.k_norm.weight"], cfg.eps)
        q = rotate(q.transpose(0, 1), positions, freqs)
        k = rotate(k.transpose(0, 1), positions, freqs)
        v = v.transpose(0, 1)
        heads = []
        for head in range(cfg.heads):
            kv = head // group
            scores = q[head] @ k[kv].T / math.sqrt(cfg.head_dim)
            scores = scores.masked_fill(~causal, float("-inf"))
            weights = torch.exp(scores - scores.max(dim=-1, keepdim=True).values)
            weights = weights / weights.sum(dim=-1, keepdim=True)
            heads.append(weights @ v[kv])
        attended = torch.cat(heads, dim=-1)
        x = x + linear(w, p + "self_attn.o_proj", attended, cfg.o_bias)
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], cfg.eps)
        gate = linear(w, p + "mlp.gate_proj", h, cfg.mlp_bias)
        up = linear(w, p + "mlp.up_proj", h, cfg.mlp_bias)
        x = x + linear(w, p + "mlp.down_proj", gate * torch.sigmoid(gate) * up, cfg.mlp_bias)
    x = rms_norm(x, w["model.norm.weight"], cfg.eps)
    head = w["model.embed_tokens.weight"] if cfg.tied else w["lm_head.weight"]
    return x @ head.T


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    model_dir, input_path, output_path = sys.argv[1:]
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = Config(json.load(f))
    weights = read_weights(model_dir)
    with open(input_path) as f:
        sequences = json.load(f)["sequences"]
    with torch.no_grad():
        logits = [forward(cfg, weights, ids).tolist() for ids in sequences]
    with open(output_path, "w") as f:
        json.dump({"logits": logits}, f)


if __name__ == "__main__":
    main()
