#!/usr/bin/python3
"""Plain PyTorch reference for `terse bench rollout`.

Samples from a random-weight Llama-style model the way a straightforward Hugging Face-style
Python loop does: prefill the batch, then one token per step with a KV cache that grows by
torch.cat, softmax sampling, end-of-sequence ignored. Prints one JSON object with tokens_per_s.

  /usr/bin/python3 bench/reference_rollout.py --model-config bench/w1_config.json --batch 64 \
      --prompt-len 32 --new-tokens 128 --threads 1
"""
import json
import time

import torch

from reference_model import build_model, parse_args


def main():
    args = parse_args(__doc__, [("--batch", 64), ("--prompt-len", 32), ("--new-tokens", 128)])
    cfg, model, generator = build_model(args)
    prompts = torch.randint(cfg["vocab_size"], (args.batch, args.prompt_len), generator=generator)
    with torch.inference_mode():
        start = time.perf_counter()
        logits, cache = model.forward(prompts, 0, None)
        for step in range(args.new_tokens):
            probs = logits.float().softmax(-1)
            token = torch.multinomial(probs, 1, generator=generator)
            if step + 1 == args.new_tokens:
                break
            logits, cache = model.forward(token, args.prompt_len + step, cache)
        seconds = time.perf_counter() - start
    new_tokens = args.batch * args.new_tokens
    print(json.dumps({"benchmark": "rollout_reference", "tokens_per_s": new_tokens / seconds,
                      "seconds": seconds, "batch": args.batch, "threads": args.threads,
                      "dtype": args.dtype, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
