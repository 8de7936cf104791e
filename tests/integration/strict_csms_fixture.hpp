#pragma once
// Fixture: an in-process fleet engine driving OCPP chargers (1.6 or 2.0.1) against the real
// strict ocpp-rpc CSMS (tests/peers/csms.js) on a free loopback port. Every test ends by checking
// the peer saw zero schema violations and that every frame our chargers sent validates
// against the official schemas (from the installed npm package).
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "simulator/fleet/engine.hpp"
#include "support/node_csms_peer.hpp"
#include "support/ocpp_schema_validator.hpp"

namespace ocppfleet::testing {

using namespace std::chrono_literals;
using nlohmann::json;

class AgainstStrictCsms : public ::testing::Test {
protected:
  explicit AgainstStrictCsms(ocpp::ProtocolVersion version) : version_(version) {}

  const OcppSchemaValidator& validator() const {
    return version_ == ocpp::ProtocolVersion::V16 ? OcppSchemaValidator::v16() : OcppSchemaValidator::v201();
  }

  // Starts the strict CSMS; the shared link config then points at it (set before any
  // charger exists: engine threads read it without locks).
  void start_peer(PeerOptions options = {}) {
    if (options.protocols == std::vector<std::string>{"ocpp1.6"})
      options.protocols = {std::string{ocpp::subprotocol(version_)}};
    peer_ = NodeCsmsPeer::start(options);
    std::string error;
    auto url = transport::parse_ws_url(peer_->ws_url(), &error);
    ASSERT_TRUE(url) << error;
    link_->url = *url;
  }

  void SetUp() override {
    link_ = std::make_shared<transport::LinkConfig>();
    link_->subprotocol = std::string{ocpp::subprotocol(version_)};
    link_->backoff.initial = 200ms;
    link_->backoff.max = 2s;
    link_->connect_timeout = 5s;
    link_->handshake_timeout = 5s;
    spec_ = std::make_shared<charger::ConnectorSpec>();
    engine_ = std::make_unique<fleet::Engine>(fleet::EngineOptions{2, nullptr});
  }

  void TearDown() override {
    if (peer_) {
      for (const auto& v : peer_->violations())
        ADD_FAILURE() << "strict peer violation: " << v.dump();
    }
    for (auto id : ids_)
      expect_frames_valid(id);
    engine_->shutdown();
    engine_.reset();
    peer_.reset();
  }

  fleet::ChargerId add_charger(const std::string& identity, int connectors = 1, bool start = true) {
    fleet::ChargerSpec spec;
    spec.identity.identity = identity;
    spec.identity.serial_number = "SN-" + identity;
    spec.link = link_;
    spec.connector_spec = spec_;
    spec.connectors = connectors;
    spec.version = version_;
    spec.options.frame_log_capacity = 4096;
    spec.options.frame_log_frame_bytes = frame_log_frame_bytes_;
    spec.options.call_timeout = call_timeout_;
    spec.options.end_transactions_on_stop = end_transactions_on_stop_;
    spec.options.reset_delay = 100ms;
    const auto id = engine_->add(std::move(spec));
    ids_.push_back(id);
    if (start) engine_->start(id);
    return id;
  }

  template <class Pred> static bool eventually(Pred pred, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(20ms);
    }
    return pred();
  }

  bool wait_booted(std::int64_t n, std::chrono::milliseconds timeout = 15s) {
    return eventually([&] { return engine_->counters().booted.load() >= n; }, timeout);
  }

  // Every CALL our charger sent validates as a request; every CALLRESULT as the response
  // to the CSMS's CALL with the same id.
  void expect_frames_valid(fleet::ChargerId id) {
    const auto frames = engine_->frames(id);
    ASSERT_TRUE(frames.has_value());
    const auto& validator = this->validator();
    std::map<std::string, std::string> inbound_actions; // message id -> action
    for (const auto& f : *frames) {
      const auto j = json::parse(f.text, nullptr, false);
      if (f.direction == rpc::Direction::CsmsToCharger) {
        if (j.is_array() && j.size() == 4 && j[0] == 2 && j[1].is_string() && j[2].is_string())
          inbound_actions[j[1].get<std::string>()] = j[2].get<std::string>();
        continue;
      }
      ASSERT_TRUE(j.is_array()) << f.text;
      if (j[0] == 2) {
        const auto err = validator.validate_request(j[2].get<std::string>(), j[3]);
        EXPECT_FALSE(err) << "invalid frame we sent: " << f.text << "\n" << err.value_or("");
      } else if (j[0] == 3) {
        const auto it = inbound_actions.find(j[1].get<std::string>());
        if (it == inbound_actions.end()) continue;
        const auto err = validator.validate_response(it->second, j[2]);
        EXPECT_FALSE(err) << "invalid response we sent: " << f.text << "\n" << err.value_or("");
      }
    }
  }

  std::vector<json> sent_calls(fleet::ChargerId id, const std::string& action) {
    std::vector<json> out;
    const auto frames = engine_->frames(id);
    if (!frames) return out;
    for (const auto& f : *frames) {
      if (f.direction != rpc::Direction::ChargerToCsms) continue;
      const auto j = json::parse(f.text, nullptr, false);
      if (j.is_array() && j.size() == 4 && j[0] == 2 && j[2] == action) out.push_back(j[3]);
    }
    return out;
  }

  std::optional<json> sent_frame_with_id(fleet::ChargerId id, const std::string& message_id) {
    const auto frames = engine_->frames(id);
    if (!frames) return std::nullopt;
    for (const auto& f : *frames) {
      if (f.direction != rpc::Direction::ChargerToCsms) continue;
      const auto j = json::parse(f.text, nullptr, false);
      if (j.is_array() && j.size() >= 2 && j[1] == message_id) return j;
    }
    return std::nullopt;
  }

  ocpp::ProtocolVersion version_;
  std::unique_ptr<NodeCsmsPeer> peer_;
  std::unique_ptr<fleet::Engine> engine_;
  std::shared_ptr<transport::LinkConfig> link_;
  std::shared_ptr<charger::ConnectorSpec> spec_;
  std::vector<fleet::ChargerId> ids_;
  std::chrono::milliseconds call_timeout_ = 5s; // chargers added from now on
  std::size_t frame_log_frame_bytes_ = 1 << 20; // every frame is validated whole
  bool end_transactions_on_stop_ = true;        // ChargePointOptions::end_transactions_on_stop
};

class V16AgainstStrictCsms : public AgainstStrictCsms {
protected:
  V16AgainstStrictCsms() : AgainstStrictCsms(ocpp::ProtocolVersion::V16) {}
};

class V201AgainstStrictCsms : public AgainstStrictCsms {
protected:
  V201AgainstStrictCsms() : AgainstStrictCsms(ocpp::ProtocolVersion::V201) {}
};

// Whether a peer log entry is the CALL `action` from `identity`.
inline bool is_call(const json& e, const std::string& identity, const std::string& action) {
  return e.value("event", "") == "call" && e.value("identity", "") == identity && e.value("action", "") == action;
}

} // namespace ocppfleet::testing
