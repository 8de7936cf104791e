#pragma once
// An spdlog sink for threads that must never block: each thread formats its lines into its
// own buffer (a mutex per thread, shared only with the drain), and one drain thread writes
// the buffers to a FILE every `period`. No process-wide lock and no I/O on the logging
// thread, so a shard may log every frame at trace level. Bounded: past `per_thread_bytes` of
// undrained text a thread's lines are dropped and counted ("N log lines dropped").
#include <spdlog/sinks/sink.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ocppfleet::core {

class BufferedLogSink final : public spdlog::sinks::sink {
public:
  explicit BufferedLogSink(std::FILE* out, std::size_t per_thread_bytes = std::size_t{1} << 20,
                           std::chrono::milliseconds period = std::chrono::milliseconds{50});
  ~BufferedLogSink() override; // drains what is left, joins the drain thread
  BufferedLogSink(const BufferedLogSink&) = delete;
  BufferedLogSink& operator=(const BufferedLogSink&) = delete;

  void log(const spdlog::details::log_msg& msg) override;
  void flush() override; // writes every buffer now (the caller's thread does the I/O)
  void set_pattern(const std::string& pattern) override;
  void set_formatter(std::unique_ptr<spdlog::formatter> sink_formatter) override;

private:
  struct ThreadBuffer;
  ThreadBuffer& this_thread_buffer();
  void drain();

  std::FILE* out_;
  std::size_t per_thread_bytes_;
  std::chrono::milliseconds period_;
  std::uint64_t id_;          // tells this sink's thread-local buffers from another instance's
  std::mutex registry_mutex_; // taken once per thread (its first line) and by the drain
  std::vector<std::shared_ptr<ThreadBuffer>> buffers_;
  std::mutex formatter_mutex_; // the prototype each thread clones (once, or after set_pattern)
  std::unique_ptr<spdlog::formatter> formatter_;
  std::atomic<std::uint64_t> formatter_generation_{0};
  std::mutex drain_mutex_; // one drain at a time (the thread or flush())
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread drainer_;
};

// For the life of the object the engine's logger (core::logger()) writes through a
// BufferedLogSink to `out`; the previous sinks come back, after a last drain, at the end.
class ScopedBufferedLog {
public:
  explicit ScopedBufferedLog(std::FILE* out);
  ~ScopedBufferedLog();
  ScopedBufferedLog(const ScopedBufferedLog&) = delete;
  ScopedBufferedLog& operator=(const ScopedBufferedLog&) = delete;

private:
  std::vector<spdlog::sink_ptr> previous_;
  std::shared_ptr<BufferedLogSink> sink_;
};

} // namespace ocppfleet::core
