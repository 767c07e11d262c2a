// The reference's encode speed on the corpus that tokenizer_bench.cpp uses: @lenml/tokenizers
// (transformers.js) under Node, one thread, document by document.
//
//   npm install --prefix .deps/node --no-save @lenml/tokenizers@3.7.2
//   node bench/tokenizer_bench.mjs [qwen3|llama3] [corpus.jsonl] [rounds]
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(root, ".deps/node/"));
const { TokenizerLoader } = require("@lenml/tokenizers");

const name = process.argv[2] ?? "qwen3";
const corpus = process.argv[3] ?? "/work/shared/data/gsm8k/train.jsonl";
const rounds = Number(process.argv[4] ?? 3);
const dir = path.join(root, ".deps/tokenizers", name);
const tokenizer = TokenizerLoader.fromPreTrained({
  tokenizerJSON: JSON.parse(fs.readFileSync(path.join(dir, "tokenizer.json"), "utf8")),
  tokenizerConfig: JSON.parse(fs.readFileSync(path.join(dir, "tokenizer_config.json"), "utf8")),
});
const docs = fs.readFileSync(corpus, "utf8").split("\n").filter((l) => l.length > 0).map((l) => {
  const row = JSON.parse(l);
  return ["question", "answer", "text"].filter((k) => k in row).map((k) => row[k] + "\n").join("");
});
const megabytes = docs.reduce((n, d) => n + Buffer.byteLength(d) + 1, 0) / 1e6;
// FNV-1a over every id (32-bit), to compare the ids with tokenizer_bench.cpp's.
const fnv = (hash, id) => Math.imul((hash ^ id) >>> 0, 16777619) >>> 0;
let best = Infinity;
let tokens = 0;
let checksum = 2166136261;
for (let round = 0; round < rounds; ++round) {
  const start = process.hrtime.bigint();
  const all = docs.map((doc) => tokenizer.encode(doc, { add_special_tokens: false }));
  best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  tokens = all.reduce((n, ids) => n + ids.length, 0);
  checksum = all.reduce((h, ids) => ids.reduce(fnv, h), 2166136261);
}
console.log(`${name}: ${docs.length} documents, ${megabytes.toFixed(2)} MB, ${tokens} tokens, ` +
            `id checksum ${checksum.toString(16)}`);
console.log(`by document: ${(megabytes / best).toFixed(1)} MB/s`);
