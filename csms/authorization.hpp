#pragma once
// Who decides on the idTokens a backend's stations present (1.6 Authorize / StartTransaction /
// StopTransaction, 2.0.1 Authorize / TransactionEvent). A backend without an authorizer is
// permissive (every token Accepted); a CPO whose eMSP pushed its tokens over OCPI gets one
// (set by the app, see control-api/app/csms_ocpi_port.hpp), so its chargers only charge on
// what the eMSP allows.
//
// authorize() runs on a network thread for every such CALL: it must be thread-safe, must not
// block and must not take a process-wide lock. An Authorize request may instead be answered
// later (authorize_remotely: OCPI real-time authorization asks the eMSP); the station waits
// for its answer, as OCPP-J allows one CALL in flight per direction.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ocppfleet::csms {

struct TokenVerdict {
  enum class Status { accepted, blocked, expired, invalid };
  Status status = Status::accepted;
  std::optional<std::string> group_id; // 1.6 parentIdTag / 2.0.1 groupIdToken
};

class Authorizer {
public:
  virtual ~Authorizer() = default;
  [[nodiscard]] virtual TokenVerdict authorize(std::string_view id_token) const = 0;

  using VerdictDone = std::function<void(TokenVerdict)>;
  // For an Authorize request: when the verdict needs a round trip, start it and return true;
  // `done` is then called exactly once, from any thread, within a bounded time. False: the
  // caller decides with authorize() (and `done` is dropped).
  virtual bool authorize_remotely(const std::string& id_token, VerdictDone done) const {
    (void)id_token;
    (void)done;
    return false;
  }
};

// The OCPP spelling of a status ("Accepted", "Blocked", "Expired", "Invalid"), the same in
// 1.6 AuthorizationStatus and 2.0.1 AuthorizationStatusEnumType.
const char* ocpp_status(TokenVerdict::Status status);

} // namespace ocppfleet::csms
