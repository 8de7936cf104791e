#pragma once
// What the OCPI layer needs from a CPO's backend (the embedded CSMS, adapted in
// control-api/app): the OCPP calls the commands module routes to the CPO's chargers. An
// interface, so ocpi/ does not depend on csms/ and tests can drive a fake.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "ocpi/token_authority.hpp"

namespace ocppfleet::ocpi {

// How one OCPP call to a charger ended.
struct CallResult {
  enum class Kind {
    answered,      // `status` holds the answer's status ("Accepted", "Rejected", "Occupied", ...)
    not_connected, // the charger has no live connection to the backend
    timeout,       // no answer in time
    call_error,    // a CALLERROR (`status` holds its code, e.g. "NotImplemented")
    failed,        // anything else (connection lost, request not sendable)
  };
  Kind kind = Kind::answered;
  std::string status;
  std::string detail; // why, for the log
};
// Runs exactly once, possibly on a backend network thread: it must not block.
using CallDone = std::function<void(CallResult)>;

class BackendPort {
public:
  virtual ~BackendPort() = default;
  // evse_id is the OCPP connector (1.6) / EVSE (2.0.1) number.
  virtual void start_session(std::int64_t cpo_id, const std::string& identity, int evse_id, const std::string& id_token,
                             CallDone done) = 0;
  virtual void stop_session(std::int64_t cpo_id, const std::string& identity, const std::string& transaction_id,
                            CallDone done) = 0;
  virtual void unlock_connector(std::int64_t cpo_id, const std::string& identity, int evse_id, CallDone done) = 0;
  // expiry: RFC 3339.
  virtual void reserve_now(std::int64_t cpo_id, const std::string& identity, int evse_id, std::int64_t reservation_id,
                           const std::string& expiry, const std::string& id_token, CallDone done) = 0;
  virtual void cancel_reservation(std::int64_t cpo_id, const std::string& identity, std::int64_t reservation_id,
                                  CallDone done) = 0;
  // From now on the CPO's backend decides its chargers' idTokens with `authority` (the eMSP's
  // tokens, see ocpi/token_authority.hpp); null: every idToken accepted, as without an eMSP.
  virtual void set_token_authority(std::int64_t cpo_id, std::shared_ptr<const TokenAuthority> authority) = 0;
};

} // namespace ocppfleet::ocpi
