// Tokenizer encode speed on one thread: MB/s over a corpus of GSM8K questions and answers,
// encoded document by document (as a data loader does) and as one large text.
//
//   build/bench/terse_tokenizer_bench [tokenizer.json] [corpus.jsonl] [rounds]
//
// Defaults: .deps/tokenizers/qwen3/tokenizer.json and /work/shared/data/gsm8k/train.jsonl. The
// first round also fills the word cache; the figure is the best of `rounds` rounds.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tokenizers/tokenizer_loader.h"

namespace {

std::vector<std::string> read_corpus(const std::string& path) {
  std::vector<std::string> docs;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const nlohmann::json row = nlohmann::json::parse(line);
    std::string doc;
    for (const char* key : {"question", "answer", "text"}) {
      if (row.contains(key)) doc += row[key].get<std::string>() + "\n";
    }
    docs.push_back(std::move(doc));
  }
  return docs;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const std::string tokenizer_path =
      argc > 1 ? argv[1] : std::string(TERSE_SOURCE_DIR) + "/.deps/tokenizers/qwen3/tokenizer.json";
  const std::string corpus_path = argc > 2 ? argv[2] : "/work/shared/data/gsm8k/train.jsonl";
  const int rounds = argc > 3 ? std::max(1, std::stoi(argv[3])) : 3;

  const auto load_start = std::chrono::steady_clock::now();
  auto tokenizer = terse::load_tokenizer(tokenizer_path);
  if (!tokenizer.ok()) {
    std::fprintf(stderr, "%s\n", tokenizer.status().ToString().c_str());
    return 1;
  }
  const double load_seconds = seconds_since(load_start);
  const std::vector<std::string> docs = read_corpus(corpus_path);
  std::string joined;
  for (const std::string& doc : docs) joined += doc + "\n";
  const double megabytes = static_cast<double>(joined.size()) / 1e6;
  std::printf("tokenizer %s (loaded in %.2f s)\ncorpus %s: %zu documents, %.2f MB\n",
              tokenizer_path.c_str(), load_seconds, corpus_path.c_str(), docs.size(), megabytes);

  double best_docs = 1e30;
  double best_joined = 1e30;
  size_t tokens = 0;
  size_t joined_tokens = 0;
  uint32_t checksum = 0;
  std::vector<std::vector<int32_t>> ids(docs.size());
  for (int round = 0; round < rounds; ++round) {
    auto start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < docs.size(); ++i) ids[i] = (*tokenizer)->encode(docs[i]);
    best_docs = std::min(best_docs, seconds_since(start));
    size_t count = 0;
    checksum = 2166136261u;  // FNV-1a over every id, as bench/tokenizer_bench.mjs computes it
    for (const std::vector<int32_t>& doc_ids : ids) {
      count += doc_ids.size();
      for (const int32_t id : doc_ids)
        checksum = (checksum ^ static_cast<uint32_t>(id)) * 16777619u;
    }
    tokens = count;
    start = std::chrono::steady_clock::now();
    joined_tokens = (*tokenizer)->encode(joined).size();
    best_joined = std::min(best_joined, seconds_since(start));
  }
  std::printf("by document: %.1f MB/s, %.2f M tokens/s, id checksum %x\n", megabytes / best_docs,
              static_cast<double>(tokens) / best_docs / 1e6, checksum);
  std::printf("one text:    %.1f MB/s (%zu tokens)\n", megabytes / best_joined, joined_tokens);
  return 0;
}
