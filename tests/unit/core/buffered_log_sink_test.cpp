// Lines logged on many threads all arrive (each whole) through the drain thread; a thread that
// logs more than its buffer holds loses lines, counted, and never blocks.
#include <gtest/gtest.h>

#include <spdlog/logger.h>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "simulator/core/buffered_log_sink.hpp"

namespace {
using ocppfleet::core::BufferedLogSink;

std::string read_all(std::FILE* f) {
  std::rewind(f);
  std::string out;
  char buf[4096];
  while (const auto n = std::fread(buf, 1, sizeof buf, f))
    out.append(buf, n);
  return out;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1))
    ++n;
  return n;
}

TEST(BufferedLogSink, every_line_of_every_thread_arrives_whole) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    auto sink = std::make_shared<BufferedLogSink>(f);
    sink->set_pattern("%v");
    spdlog::logger log{"t", sink};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&log, t] {
        for (int i = 0; i < 500; ++i)
          log.info("line {} {} end", t, i);
      });
    for (auto& t : threads)
      t.join();
  } // the sink drains what is left
  const auto text = read_all(f);
  std::fclose(f);
  EXPECT_EQ(count(text, "line "), 2000u);
  EXPECT_EQ(count(text, " end\n"), 2000u);
  EXPECT_NE(text.find("line 3 499 end\n"), std::string::npos);
}

TEST(BufferedLogSink, a_full_buffer_drops_lines_and_says_how_many) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    auto sink = std::make_shared<BufferedLogSink>(f, 100, std::chrono::hours{1}); // no periodic drain
    sink->set_pattern("%v");
    spdlog::logger log{"t", sink};
    for (int i = 0; i < 20; ++i)
      log.info("0123456789"); // 11 bytes a line: 9 fit
    sink->flush();
  }
  const auto text = read_all(f);
  std::fclose(f);
  EXPECT_EQ(count(text, "0123456789\n"), 9u) << text;
  EXPECT_NE(text.find("11 log lines dropped"), std::string::npos) << text;
}

} // namespace
