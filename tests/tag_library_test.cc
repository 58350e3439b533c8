// Tagging as a library: work shared out among threads, an error on any of them reported like any other, and a
// front end other than `ner tag` writing the same bytes.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "data/error.h"
#include "data/utf8.h"
#include "ner/model/config.h"
#include "ner/model/model_io.h"
#include "ner/tagging/output_writers.h"
#include "ner/tagging/tagger.h"
#include "tests/test_support.h"

namespace {

using test_support::run_ner;
using test_support::lines_of;
using test_support::slurp;

const std::string kShippedModel = std::string(NER_SOURCE_DIR) + "/models/msra.model";
const std::string kSampleText = std::string(NER_SOURCE_DIR) + "/examples/sample.txt";

// Two overlapping windows meet nearest the middle of their overlap where no entity of either crosses and no Latin
// word is cut; failing that, where none of the left window's crosses. Windows [0, 20) and [16, 36): middle 18.
TEST(TagLibrary, OverlappingWindowsMeetNearTheMiddleWhereNoEntityCrosses) {
  const data::TokenRange left{0, 20}, right{16, 36};
  const std::vector<char> words(20, 0);
  auto meet = [&](const std::vector<data::Span>& left_spans, const std::vector<data::Span>& right_spans,
                  const std::vector<char>& joined) { return ner::meeting_point(left, left_spans, right, right_spans, joined); };
  EXPECT_EQ(meet({}, {}, words), 18u);
  EXPECT_EQ(meet({{17, 19, "LOC"}}, {}, words), 17u) << "the nearer of the two free points, the first of equals";
  EXPECT_EQ(meet({}, {{18, 20, "LOC"}}, words), 18u) << "18 is an entity's first token, not inside it";
  std::vector<char> word_at_18 = words;
  word_at_18[17] = 1;  // tokens 17 and 18 are one Latin word
  EXPECT_EQ(meet({}, {}, word_at_18), 17u);
  EXPECT_EQ(meet({}, {{16, 21, "ORG"}}, words), 16u);
  EXPECT_EQ(meet({{15, 20, "ORG"}}, {}, words), 20u);
  EXPECT_EQ(meet({{15, 20, "ORG"}}, {{17, 22, "ORG"}}, words), 20u) << "no point is free of both: the left one's end";
}

// Every item is done once; an error on a helper thread stops the handing out and reaches the caller.
TEST(TagLibrary, ShareOutDoesEveryItemOnceAndRethrowsAHelpersError) {
  std::vector<std::atomic<int>> done(1000);
  ner::share_out(done.size(), 4, [&](std::size_t, std::size_t item) { ++done[item]; });
  for (const std::atomic<int>& count : done) EXPECT_EQ(count, 1);

  std::atomic<std::size_t> started{0};
  try {
    ner::share_out(100000, 2, [&](std::size_t worker, std::size_t) {
      ++started;
      if (worker == 1) throw data::Error("item failed on the helper");
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    });
    ADD_FAILURE() << "no exception";
  } catch (const data::Error& e) {
    EXPECT_STREQ(e.what(), "item failed on the helper");
  }
  EXPECT_LT(started, 100000u);  // the rest was never handed out
}

// Decoding on two threads whose progress callback fails on the helper thread: the call throws that error (which a
// front end reports as its one line and exit status 1) instead of ending the process.
TEST(TagLibrary, AnErrorOnAHelperThreadIsReportedNotAnAbort) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        ner::LoadedModel loaded = ner::load_model(kShippedModel);
        std::vector<std::vector<std::string>> sentences;
        // The first 1 to 10 characters of each sample line, 20 times over.
        for (const std::string& line : lines_of(slurp(kSampleText)))
          for (std::size_t copy = 0; copy < 20; ++copy) {
            std::vector<std::string>& sentence = sentences.emplace_back();
            for (char32_t c : data::decode_utf8(line))
              if (sentence.size() <= copy % 10) data::append_utf8(c, sentence.emplace_back());
          }
        const std::thread::id caller = std::this_thread::get_id();
        try {
          // One sentence per batch; the calling thread is slowed so that the helper decodes some of them.
          ner::predict_tags(ner::ModelReplicas(*loaded.model, 2).models(), sentences, 1, [&](std::size_t) {
            if (std::this_thread::get_id() != caller) throw data::Error("progress failed on a helper thread");
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
          });
        } catch (const std::exception& e) {
          std::cerr << "ner: error: " << e.what() << "\n";
          std::exit(1);
        }
        std::exit(0);
      },
      ::testing::ExitedWithCode(1), "^ner: error: progress failed on a helper thread\n$");
}

// A front end that tags with Tagger and writes with format_line gets `ner tag`'s bytes, in every format with
// confidences and on any number of threads.
TEST(TagLibrary, AnotherFrontEndWritesTheSameBytesAsNerTag) {
  ner::LoadedModel loaded = ner::load_model(kShippedModel);
  ner::apply_precision(*loaded.model, ner::kDefaultPrecision);
  const std::vector<std::string> lines = lines_of(slurp(kSampleText));
  ner::TagOptions options;
  options.decode.confidence = true;
  for (int threads : {1, 2}) {
    ner::ModelReplicas replicas(*loaded.model, threads);
    const std::vector<ner::TaggedLine> tagged = ner::Tagger(replicas.models(), ner::kTagBatch, options).tag(lines);
    for (const char* format : {"jsonl", "conll", "inline"}) {
      std::string written;
      for (const ner::TaggedLine& line : tagged) written += ner::format_line(line, ner::parse_output_format(format), true);
      auto cli = run_ner("tag --confidence --format " + std::string(format) + " --threads " + std::to_string(threads) +
                         " --model " + kShippedModel + " " + kSampleText);
      ASSERT_EQ(cli.status, 0) << cli.err;
      EXPECT_TRUE(written == cli.out) << format << " on " << threads << " threads";
    }
  }
}

}  // namespace
