#include "simulator/core/buffered_log_sink.hpp"

#include <spdlog/pattern_formatter.h>

#include <utility>

#include "simulator/core/log.hpp"

namespace ocppfleet::core {

struct BufferedLogSink::ThreadBuffer {
  std::mutex mutex; // this thread and the drain only
  std::string text;
  std::uint64_t dropped = 0;
  // Used by the owning thread only.
  std::unique_ptr<spdlog::formatter> formatter;
  std::uint64_t formatter_generation = 0;
};

namespace {
std::atomic<std::uint64_t> g_next_sink_id{1};
} // namespace

BufferedLogSink::BufferedLogSink(std::FILE* out, std::size_t per_thread_bytes, std::chrono::milliseconds period)
    : out_(out), per_thread_bytes_(per_thread_bytes), period_(period), id_(g_next_sink_id.fetch_add(1)),
      formatter_(std::make_unique<spdlog::pattern_formatter>()) {
  drainer_ = std::thread([this] {
    std::unique_lock lock{stop_mutex_};
    while (!stopping_) {
      stop_cv_.wait_for(lock, period_, [this] { return stopping_; });
      lock.unlock();
      drain();
      lock.lock();
    }
  });
}

BufferedLogSink::~BufferedLogSink() {
  {
    std::lock_guard lock{stop_mutex_};
    stopping_ = true;
  }
  stop_cv_.notify_all();
  drainer_.join();
  drain();
}

BufferedLogSink::ThreadBuffer& BufferedLogSink::this_thread_buffer() {
  // Per thread: the buffers of the sinks it has written to (usually one).
  thread_local std::vector<std::pair<std::uint64_t, std::shared_ptr<ThreadBuffer>>> mine;
  for (auto& [id, buffer] : mine)
    if (id == id_) return *buffer;
  auto buffer = std::make_shared<ThreadBuffer>();
  {
    std::lock_guard lock{registry_mutex_};
    buffers_.push_back(buffer);
  }
  mine.emplace_back(id_, buffer);
  return *buffer;
}

void BufferedLogSink::log(const spdlog::details::log_msg& msg) {
  ThreadBuffer& buffer = this_thread_buffer();
  const auto generation = formatter_generation_.load(std::memory_order_acquire);
  if (!buffer.formatter || buffer.formatter_generation != generation) {
    std::lock_guard lock{formatter_mutex_};
    buffer.formatter = formatter_->clone();
    buffer.formatter_generation = generation;
  }
  spdlog::memory_buf_t line;
  buffer.formatter->format(msg, line);
  std::lock_guard lock{buffer.mutex};
  if (buffer.text.size() + line.size() > per_thread_bytes_) {
    ++buffer.dropped;
    return;
  }
  buffer.text.append(line.data(), line.size());
}

void BufferedLogSink::drain() {
  std::lock_guard drain_lock{drain_mutex_};
  std::vector<std::shared_ptr<ThreadBuffer>> buffers;
  {
    std::lock_guard lock{registry_mutex_};
    buffers = buffers_;
  }
  bool wrote = false;
  std::string text;
  for (auto& b : buffers) {
    std::uint64_t dropped = 0;
    text.clear();
    {
      std::lock_guard lock{b->mutex};
      std::swap(text, b->text);
      dropped = std::exchange(b->dropped, 0);
    }
    if (!text.empty()) std::fwrite(text.data(), 1, text.size(), out_);
    if (dropped > 0)
      std::fprintf(out_, "[ocppfleet] %llu log lines dropped: a thread logged faster than they could be written\n",
                   static_cast<unsigned long long>(dropped));
    wrote = wrote || !text.empty() || dropped > 0;
  }
  if (wrote) std::fflush(out_);
}

void BufferedLogSink::flush() { drain(); }

void BufferedLogSink::set_pattern(const std::string& pattern) {
  set_formatter(std::make_unique<spdlog::pattern_formatter>(pattern));
}

void BufferedLogSink::set_formatter(std::unique_ptr<spdlog::formatter> sink_formatter) {
  std::lock_guard lock{formatter_mutex_};
  formatter_ = std::move(sink_formatter);
  formatter_generation_.fetch_add(1, std::memory_order_release);
}

ScopedBufferedLog::ScopedBufferedLog(std::FILE* out)
    : previous_(logger()->sinks()), sink_(std::make_shared<BufferedLogSink>(out)) {
  logger()->sinks() = {sink_};
}

ScopedBufferedLog::~ScopedBufferedLog() {
  logger()->sinks() = previous_;
  sink_->flush();
}

} // namespace ocppfleet::core
