#pragma once
// The embedded CSMS as each CPO's backend: a CPO's chargers dial ws://<ocpp>/cpos/<cpo_id>
// and only its identities get in (csms::Server's CPO registry, read at upgrade time).
#include <cstdint>
#include <string>
#include <vector>

#include "control-api/workflows/cpo_runtime.hpp"
#include "csms/server.hpp"

namespace ocppfleet::app {

class CsmsCpoBackend final : public api::CpoBackend {
public:
  // `base_url`: "ws://127.0.0.1:8180" (no trailing slash).
  CsmsCpoBackend(csms::Server& server, std::string base_url) : server_(server), base_url_(std::move(base_url)) {}

  [[nodiscard]] std::string charger_ws_url(std::int64_t cpo_id) const override {
    return base_url_ + "/cpos/" + std::to_string(cpo_id);
  }
  void open(std::int64_t cpo_id, const std::vector<std::string>& identities) override {
    server_.register_cpo(std::to_string(cpo_id), identities);
  }
  void close(std::int64_t cpo_id) override { server_.unregister_cpo(std::to_string(cpo_id)); }

private:
  csms::Server& server_;
  std::string base_url_;
};

} // namespace ocppfleet::app
