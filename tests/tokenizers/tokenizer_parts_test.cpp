// The tokenizer's parts on inputs whose answers are known independently: UTF-8 repair against
// Python's decoder, GPT-2's byte alphabet, the delimiter behaviors as Hugging Face documents them,
// added-token matching rules, and BPE merges worked by hand.
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "core/utf8.h"
#include "tests/tokenizers/tokenizer_test_util.h"
#include "tokenizers/added_vocabulary.h"
#include "tokenizers/bpe_model.h"
#include "tokenizers/bpe_tokenizer.h"
#include "tokenizers/byte_level.h"
#include "tokenizers/normalizer.h"
#include "tokenizers/pre_tokenizer.h"

namespace terse {
namespace {

TEST_CASE("utf8_make_valid replaces maximal subparts as Python's decoder does", "[tokenizer]") {
  // Expected strings: bytes.decode("utf-8", "replace") in CPython 3.11.
  const std::string r = std::string(kReplacementCharacter);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"abc", "abc"},
      {"\xE4\xB8", r},
      {"\xE4\xB8\xADx", "\xE4\xB8\xADx"},
      {"\xFF\xFE", r + r},
      {"\xC0\xAF", r + r},          // overlong
      {"\xED\xA0\x80", r + r + r},  // surrogate
      {"\xF0\x9F\x98", r},          // cut emoji
      {"\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80"},
      {"a\x80"
       "b",
       "a" + r + "b"},
      {"\xE0\x80\xAF", r + r + r},
      {"\xF4\x90\x80\x80", r + r + r + r},  // past U+10FFFF
      {"\xE1\x80\xE2\xF0\x91\x92\xF1\xBF"
       "A",
       r + r + r + r + "A"},
  };
  for (const auto& [bytes, expected] : cases) {
    INFO(bytes);
    CHECK(utf8_make_valid(bytes) == expected);
    CHECK(utf8_is_valid(bytes) == (bytes == expected));
  }
}

TEST_CASE("The byte-level alphabet is GPT-2's and round-trips every byte", "[tokenizer]") {
  // GPT-2's bytes_to_unicode(): printable Latin-1 stays, the rest counts up from U+0100.
  CHECK(byte_level_char(' ') == "\xC4\xA0");   // U+0120 Ġ
  CHECK(byte_level_char('\n') == "\xC4\x8A");  // U+010A Ċ
  CHECK(byte_level_char(0) == "\xC4\x80");     // U+0100 Ā
  CHECK(byte_level_char(0xAD) == "\xC5\x83");  // U+0143 Ń, the last one
  CHECK(byte_level_char('a') == "a");
  CHECK(byte_level_char(0xE9) == "\xC3\xA9");  // é
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  std::string spelled;
  byte_level_encode(all, &spelled);
  std::string back;
  REQUIRE(byte_level_decode(spelled, &back));
  CHECK(back == all);
  std::string out;
  CHECK_FALSE(byte_level_decode("\xE4\xB8\xAD", &out));  // 中 is not in the alphabet
  CHECK_FALSE(byte_level_decode("\xFF", &out));
}

TEST_CASE("Normalizer applies Unicode forms", "[tokenizer]") {
  std::string storage;
  const std::string decomposed = "e\xCC\x81";  // e + U+0301
  CHECK(Normalizer({UnicodeForm::kNfc}).normalize(decomposed, &storage) == "\xC3\xA9");
  CHECK(Normalizer({UnicodeForm::kNfd}).normalize("\xC3\xA9", &storage) == decomposed);
  // NFKC folds compatibility characters: fullwidth A and the ﬁ ligature.
  CHECK(Normalizer({UnicodeForm::kNfkc}).normalize("\xEF\xBC\xA1\xEF\xAC\x81", &storage) == "Afi");
  const std::string ascii = "plain ascii";
  const absl::string_view same = Normalizer({UnicodeForm::kNfc}).normalize(ascii, &storage);
  CHECK(same.data() == ascii.data());
}

std::vector<std::string> split(const PreTokenizer& pre_tokenizer, absl::string_view text) {
  PreTokenizerScratch scratch;
  pre_tokenizer.split(text, &scratch);
  return {scratch.pieces.begin(), scratch.pieces.end()};
}

PreTokenizer split_on(absl::string_view pattern, SplitBehavior behavior, bool invert = false) {
  PreTokenizer pre_tokenizer;
  auto regex = UnicodeRegex::compile(pattern);
  REQUIRE(regex.ok());
  REQUIRE(pre_tokenizer.add_split(std::move(*regex), behavior, invert).ok());
  return pre_tokenizer;
}

TEST_CASE("Split behaviors follow Hugging Face's documented example", "[tokenizer]") {
  // tokenizers' SplitDelimiterBehavior docs split "the-final--countdown" on "-".
  const std::string text = "the-final--countdown";
  using V = std::vector<std::string>;
  CHECK(split(split_on("-", SplitBehavior::kRemoved), text) == V{"the", "final", "countdown"});
  CHECK(split(split_on("-", SplitBehavior::kIsolated), text) ==
        V{"the", "-", "final", "-", "-", "countdown"});
  CHECK(split(split_on("-", SplitBehavior::kMergedWithPrevious), text) ==
        V{"the-", "final-", "-", "countdown"});
  CHECK(split(split_on("-", SplitBehavior::kMergedWithNext), text) ==
        V{"the", "-final", "-", "-countdown"});
  CHECK(split(split_on("-", SplitBehavior::kContiguous), text) ==
        V{"the", "-", "final", "--", "countdown"});
  // Inverted, the pattern marks what to keep: "Removed" then drops everything else.
  CHECK(split(split_on(R"(\p{L}+)", SplitBehavior::kRemoved, /*invert=*/true), "ab, cd!") ==
        V{"ab", "cd"});
  CHECK(split(split_on("-", SplitBehavior::kIsolated), "").empty());
}

TEST_CASE("Digits and ByteLevel pre-tokenizer steps", "[tokenizer]") {
  using V = std::vector<std::string>;
  PreTokenizer individual;
  REQUIRE(individual.add_digits(/*individual_digits=*/true).ok());
  CHECK(split(individual, "abc123 4") == V{"abc", "1", "2", "3", " ", "4"});
  PreTokenizer runs;
  REQUIRE(runs.add_digits(/*individual_digits=*/false).ok());
  CHECK(split(runs, "abc123 4") == V{"abc", "123", " ", "4"});

  // GPT-2: a prefix space, then its regex; pieces stay raw bytes for the byte-level model.
  PreTokenizer gpt2;
  REQUIRE(gpt2.add_byte_level(/*add_prefix_space=*/true, /*use_regex=*/true).ok());
  CHECK(gpt2.byte_level());
  CHECK(split(gpt2, "Hello world's  end") == V{" Hello", " world", "'s", " ", " end"});
  // Nothing may follow ByteLevel.
  CHECK(gpt2.add_digits(true).code() == absl::StatusCode::kFailedPrecondition);
}

std::vector<std::pair<std::string, int32_t>> segments(const AddedVocabulary& added,
                                                      absl::string_view text, bool match_special) {
  std::vector<TextSegment> out;
  added.split(text, /*normalized=*/false, match_special, &out);
  std::vector<std::pair<std::string, int32_t>> result;
  for (const TextSegment& s : out) result.emplace_back(std::string(s.text), s.token_id);
  return result;
}

TEST_CASE("Added tokens: leftmost-longest, special switch, strip and single-word rules",
          "[tokenizer]") {
  using V = std::vector<std::pair<std::string, int32_t>>;
  AddedVocabulary added({
      {100, "<a>", /*special=*/true},
      {101, "<a><b>", /*special=*/true},
      {102, "<t>", /*special=*/false},
      {103, "[L]", false, false, /*lstrip=*/true},
      {104, "[R]", false, false, false, /*rstrip=*/true},
      {105, "word", false, /*single_word=*/true},
  });
  CHECK(segments(added, "x<a><b>y<a>", true) ==
        V{{"x", -1}, {"<a><b>", 101}, {"y", -1}, {"<a>", 100}});
  // Without special-token matching only the non-special <t> is cut out.
  CHECK(segments(added, "x<a><t>", false) == V{{"x<a>", -1}, {"<t>", 102}});
  // lstrip takes the whitespace on the left (including U+3000), rstrip the one on the right.
  CHECK(segments(added, "a \xE3\x80\x80[L] b", true) ==
        V{{"a", -1}, {" \xE3\x80\x80[L]", 103}, {" b", -1}});
  CHECK(segments(added, "a [R] \n b", true) == V{{"a ", -1}, {"[R] \n ", 104}, {"b", -1}});
  // single_word: no letter or digit may touch the match.
  CHECK(segments(added, "a word.", true) == V{{"a ", -1}, {"word", 105}, {".", -1}});
  CHECK(segments(added, "swordfish", true) == V{{"swordfish", -1}});
  CHECK(segments(added, "word2", true) == V{{"word2", -1}});
  CHECK(added.find(101)->content == "<a><b>");
  CHECK(added.find("<t>") == 102);
  CHECK(added.find(7) == nullptr);
}

// vocab: a b c ab bc abc; merges by rank: (b c) (a b) (a bc)
std::unique_ptr<BpeModel> toy_model(BpeModelOptions options = {}) {
  auto model = BpeModel::create({{"a", 0}, {"b", 1}, {"c", 2}, {"ab", 3}, {"bc", 4}, {"abc", 5}},
                                {{"b", "c"}, {"a", "b"}, {"a", "bc"}}, std::move(options));
  REQUIRE(model.ok());
  return std::move(model).value();
}

std::vector<int32_t> encode_word(const BpeModel& model, absl::string_view word) {
  std::vector<int32_t> ids;
  model.encode_word(word, &ids);
  return ids;
}

TEST_CASE("BPE merges the lowest-ranked pair first, leftmost on ties", "[tokenizer]") {
  const std::unique_ptr<BpeModel> model = toy_model();
  // "abc": (b c) has rank 0 < (a b) rank 1, so a|bc, then (a bc) gives abc.
  CHECK(encode_word(*model, "abc") == std::vector<int32_t>{5});
  // "abab": (a b) at 0 and at 2 tie; the left one merges first, then the right one.
  CHECK(encode_word(*model, "abab") == std::vector<int32_t>{3, 3});
  // "cab": c|ab, no merge joins c with ab.
  CHECK(encode_word(*model, "cab") == std::vector<int32_t>{2, 3});
  // Cached results are the same on a second call.
  CHECK(encode_word(*model, "abc") == std::vector<int32_t>{5});
  // Without unk token unknown characters are dropped before merging (HF tokenizers' rule), so
  // "a" and "b" meet and merge.
  CHECK(encode_word(*model, "axb") == std::vector<int32_t>{3});
  CHECK(encode_word(*model, "xcx") == std::vector<int32_t>{2});

  // "aaa" with the single merge (a a): the leftmost pair merges, leaving aa|a.
  auto aa = BpeModel::create({{"a", 0}, {"aa", 1}}, {{"a", "a"}}, {});
  REQUIRE(aa.ok());
  CHECK(encode_word(**aa, "aaa") == std::vector<int32_t>{1, 0});
  CHECK(encode_word(**aa, "aaaa") == std::vector<int32_t>{1, 1});
}

TEST_CASE("BPE unknown symbols, fuse_unk and ignore_merges", "[tokenizer]") {
  auto with_unk = BpeModel::create({{"<unk>", 0}, {"a", 1}, {"b", 2}, {"ab", 3}}, {{"a", "b"}},
                                   {false, false, std::string("<unk>"), false});
  REQUIRE(with_unk.ok());
  CHECK(encode_word(**with_unk, "xyab\xC3\xA9") == std::vector<int32_t>{0, 0, 3, 0});
  auto fused = BpeModel::create({{"<unk>", 0}, {"a", 1}, {"b", 2}, {"ab", 3}}, {{"a", "b"}},
                                {false, false, std::string("<unk>"), true});
  REQUIRE(fused.ok());
  CHECK(encode_word(**fused, "xyabz") == std::vector<int32_t>{0, 3, 0});

  // Merges alone turn "abc" into a|bc; with ignore_merges the vocabulary entry wins.
  auto build = [](bool ignore_merges) {
    auto model = BpeModel::create({{"a", 0}, {"b", 1}, {"c", 2}, {"bc", 3}, {"abc", 4}},
                                  {{"b", "c"}}, {false, ignore_merges, std::nullopt, false});
    REQUIRE(model.ok());
    return std::move(model).value();
  };
  CHECK(encode_word(*build(false), "abc") == std::vector<int32_t>{0, 3});
  CHECK(encode_word(*build(true), "abc") == std::vector<int32_t>{4});
}

TEST_CASE("BPE scan and heap merge loops agree on the real Qwen3 model", "[tokenizer][real]") {
  const auto& tokenizer = dynamic_cast<const BpeTokenizer&>(test::real_tokenizer("qwen3"));
  const BpeModel& model = tokenizer.model();
  std::mt19937 rng(1234);
  // Words drawn from a small alphabet so that many merges apply, plus random bytes.
  const std::string letters = "aeinorst ";
  for (int trial = 0; trial < 2000; ++trial) {
    const size_t length = 2 + rng() % 31;
    std::string word;
    for (size_t i = 0; i < length; ++i) {
      word.push_back(trial % 4 == 3 ? static_cast<char>(rng() % 256)
                                    : letters[rng() % letters.size()]);
    }
    std::vector<int32_t> scan;
    model.initial_symbols(word, &scan);
    std::vector<int32_t> heap = scan;
    model.merge(&scan, BpeModel::MergeAlgorithm::kScan);
    model.merge(&heap, BpeModel::MergeAlgorithm::kHeap);
    INFO(word);
    REQUIRE(scan == heap);
  }
}

TEST_CASE("BpeTokenizer refuses a byte-level model without a ByteLevel pre-tokenizer",
          "[tokenizer]") {
  BpeTokenizerParts parts;
  BpeModelOptions byte_level;
  byte_level.byte_level = true;
  parts.model = toy_model(byte_level);
  auto tokenizer = BpeTokenizer::create(std::move(parts));
  CHECK(tokenizer.status().code() == absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace terse
