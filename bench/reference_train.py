#!/usr/bin/python3
"""Plain PyTorch reference for `terse bench train`.

One GRPO update on random tokens, as a Python framework writes it: forward over the whole batch,
log-probs of the next tokens, the clipped surrogate loss (token mean), backward, global-norm
clipping and AdamW. Prints one JSON object with tokens_per_s (tokens trained per second).

  /usr/bin/python3 bench/reference_train.py --model-config bench/w1_config.json --batch 16 \
      --seq-len 160 --threads 1
"""
import json
import time

import torch

from reference_model import build_model, parse_args


def grpo_update(model, optimizer, ids, old_logprobs, advantages, eps_low=0.2, eps_high=0.2):
    optimizer.zero_grad()
    logits, _ = model.forward(ids, 0, None, all_positions=True)  # [N, S, V]
    logprobs = logits[:, :-1].float().log_softmax(-1).gather(-1, ids[:, 1:, None]).squeeze(-1)
    ratio = (logprobs - old_logprobs).exp()
    a = advantages[:, None]
    loss = torch.max(-ratio * a, -ratio.clamp(1 - eps_low, 1 + eps_high) * a).mean()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()


def main():
    args = parse_args(__doc__, [("--batch", 16), ("--seq-len", 160), ("--steps", 3)])
    cfg, model, generator = build_model(args)
    for p in model.parameters():
        p.requires_grad_(True)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5)
    ids = torch.randint(cfg["vocab_size"], (args.batch, args.seq_len), generator=generator)
    old_logprobs = -torch.rand(args.batch, args.seq_len - 1, generator=generator) * 5
    advantages = torch.randn(args.batch, generator=generator)
    grpo_update(model, optimizer, ids, old_logprobs, advantages)  # warm-up
    start = time.perf_counter()
    for _ in range(args.steps):
        grpo_update(model, optimizer, ids, old_logprobs, advantages)
    seconds = (time.perf_counter() - start) / args.steps
    print(json.dumps({"benchmark": "train_reference",
                      "tokens_per_s": args.batch * args.seq_len / seconds,
                      "seconds_per_update": seconds, "batch": args.batch, "seq_len": args.seq_len,
                      "threads": args.threads, "dtype": args.dtype, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
