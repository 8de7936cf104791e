#pragma once
// One engine thread: an io_context, its thread, and the chargers pinned to it. The
// charger table is touched only on this thread.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <thread>
#include <unordered_map>

#include "simulator/charger/charger_model.hpp"
#include "simulator/ocpp/common/charge_point_base.hpp"

namespace ocppfleet::fleet {

struct ShardCharger {
  std::shared_ptr<const charger::ConnectorSpec> connector_spec; // keeps the shared spec alive
  std::shared_ptr<const catalog::ModelProfile> profile;         // kept alive for the charger
  std::shared_ptr<const catalog::EvCatalog> evs;
  std::shared_ptr<ocpp::ChargePointBase> charge_point;
};

class Shard {
public:
  explicit Shard(unsigned index);
  ~Shard(); // joins

  boost::asio::io_context& io() noexcept { return io_; }
  std::unordered_map<std::uint64_t, ShardCharger>& chargers() noexcept { return chargers_; } // shard thread only
  void join();

private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unordered_map<std::uint64_t, ShardCharger> chargers_;
  std::thread thread_;
};

} // namespace ocppfleet::fleet
