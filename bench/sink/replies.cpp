#include "bench/sink/replies.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace ocppfleet::bench {

using nlohmann::json;

std::string utc_now_rfc3339() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[48];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms % 1000));
  return buf;
}

namespace {

json accepted_status() { return json{{"status", "Accepted"}}; }

json reply_v16(Action kind, ReplyConfig& config) {
  switch (kind) {
  case Action::BootNotification:
    return json{{"status", "Accepted"}, {"currentTime", utc_now_rfc3339()}, {"interval", config.heartbeat_interval_s}};
  case Action::Heartbeat: return json{{"currentTime", utc_now_rfc3339()}};
  case Action::Authorize: return json{{"idTagInfo", accepted_status()}};
  case Action::StartTransaction:
    return json{{"transactionId", config.next_transaction_id.fetch_add(1, std::memory_order_relaxed)},
                {"idTagInfo", accepted_status()}};
  case Action::DataTransfer:
    return accepted_status(); // status is required by the schema
  // StatusNotification, StopTransaction, MeterValues and the rest.
  default: return json::object();
  }
}

json reply_v201(Action kind, const json& request, ReplyConfig& config) {
  switch (kind) {
  case Action::BootNotification:
    return json{{"status", "Accepted"}, {"currentTime", utc_now_rfc3339()}, {"interval", config.heartbeat_interval_s}};
  case Action::Heartbeat: return json{{"currentTime", utc_now_rfc3339()}};
  case Action::Authorize: return json{{"idTokenInfo", accepted_status()}};
  case Action::TransactionEvent:
    // idTokenInfo only makes sense when the request carried an idToken.
    if (request.is_object() && request.contains("idToken")) return json{{"idTokenInfo", accepted_status()}};
    return json::object();
  case Action::DataTransfer: return accepted_status();
  default: return json::object();
  }
}

} // namespace

json reply_payload(OcppVersion version, Action kind, const json& request, ReplyConfig& config) {
  return version == OcppVersion::V16 ? reply_v16(kind, config) : reply_v201(kind, request, config);
}

} // namespace ocppfleet::bench
