#include "simulator/fleet/shard.hpp"

#include <exception>

#include "simulator/core/log.hpp"

namespace ocppfleet::fleet {

Shard::Shard(unsigned index) : io_(1), work_(boost::asio::make_work_guard(io_)) {
  thread_ = std::thread([this, index] {
    // No exception may take a shard down silently: log it and keep serving the others.
    for (;;) {
      try {
        io_.run();
        return;
      } catch (const std::exception& e) {
        core::logger()->error("shard {}: unexpected exception: {}", index, e.what());
      } catch (...) {
        core::logger()->error("shard {}: unexpected non-standard exception", index);
      }
    }
  });
}

Shard::~Shard() { join(); }

void Shard::join() {
  work_.reset();
  if (thread_.joinable()) thread_.join();
}

} // namespace ocppfleet::fleet
