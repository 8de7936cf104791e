#pragma once

// In-process validation of OCPP-J payloads against the official JSON schemas bundled with
// the ocpp-rpc test peer (tests/peers/node_modules/ocpp-rpc/lib/schemas/*.json), so unit
// and integration tests can check what our simulator emits without a network round trip.
//
// Both bundles are arrays of draft-07 schemas with "$id" "urn:<Action>.req" (request) and
// "urn:<Action>.conf" (response), for 1.6 and 2.0.1 alike.
//
// Deliberate differences from ocpp-rpc's own strict mode (ajv 8 + ajv-formats 2.1.1):
//  * "format": "date-time" is checked as RFC 3339 section 5.6 proper: a time offset ("Z" or
//    "+hh:mm") is required, the separator is T/t. ajv-formats 2.1.1 accepts a missing offset
//    (a known bug), a space separator, "+hhmm" and "+hh"; we reject all of those.
//  * "format": "uri" is checked as an absolute RFC 3986 URI (scheme ":" then only legal URI
//    characters and well-formed %-escapes); close to, but not byte-identical with, ajv-formats.
//  * "multipleOf" uses ocpp-rpc's tolerance (|q - round(q)| < 1e-6 for q = value / divisor)
//    instead of valijson's absolute-epsilon remainder, which wrongly rejects e.g. 123.4 % 0.1.
//  * "type": "integer" rejects a number written with a fraction part, even 300.0 (valijson
//    strong types). ajv accepts 300.0 because JSON.parse turns it into 300; we flag it since
//    it means a double leaked into an integer field (nlohmann dumps a double 300 as "300.0").
//  Everything else (types, required, additionalProperties, enum, maxLength, items, ...) is
//  plain valijson 1.0 draft-07 validation.

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace ocppfleet::testing {

class OcppSchemaValidator {
public:
  // Lazily loaded from <peers_dir()>/node_modules/ocpp-rpc/lib/schemas/. Throw
  // std::runtime_error when the bundle is missing (run scripts/setup.sh).
  static const OcppSchemaValidator& v16();
  static const OcppSchemaValidator& v201();
  // "ocpp1.6" or "ocpp2.0.1"; throws std::invalid_argument otherwise.
  static const OcppSchemaValidator& for_subprotocol(std::string_view subprotocol);

  // Loads one bundle. `subprotocol` selects the CALLERROR code set and message directions.
  OcppSchemaValidator(std::string subprotocol, const std::filesystem::path& bundle_file);
  ~OcppSchemaValidator();
  OcppSchemaValidator(const OcppSchemaValidator&) = delete;
  OcppSchemaValidator& operator=(const OcppSchemaValidator&) = delete;

  // nullopt when valid; otherwise a readable error naming the schema and each failing
  // path ("BootNotification.req: /chargePointVendor: ..."). Unknown action -> error.
  // Thread-safe: may be called concurrently on the shared instances.
  std::optional<std::string> validate_request(std::string_view action, const nlohmann::json& payload) const;
  std::optional<std::string> validate_response(std::string_view action, const nlohmann::json& payload) const;
  // Same as validate_response: a CALLRESULT payload, correlated to its action by the caller.
  std::optional<std::string> validate_call_result(std::string_view action, const nlohmann::json& payload) const {
    return validate_response(action, payload);
  }

  // Parses one OCPP-J frame and checks it:
  //  CALL       [2, "<id>", "<Action>", {payload}]: structure, id of 1..36 chars, the action
  //             is one that side may initiate (outbound_from_charger = sent by the charging
  //             station), payload against <Action>.req.
  //  CALLRESULT [3, "<id>", {payload}]: structure only, unless `result_action` names the
  //             action of the CALL it answers, then payload against <Action>.conf too.
  //  CALLERROR  [4, "<id>", "<code>", "<description>", {details}]: structure and that the code
  //             is defined for this OCPP version (1.6 accepts both Occurence/Occurrence
  //             spellings; FormatViolation is 2.0.1 only, FormationViolation 1.6 only).
  std::optional<std::string> validate_frame(std::string_view raw_frame_text, bool outbound_from_charger,
                                            std::optional<std::string_view> result_action = std::nullopt) const;

  const std::string& subprotocol() const { return subprotocol_; }
  bool has_action(std::string_view action) const; // a .req schema exists
  std::vector<std::string> actions() const;       // every action with a .req schema
  // Whether the charging station (true) or the CSMS (false) may send a CALL of `action`.
  bool initiated_by_charger(std::string_view action) const;
  bool initiated_by_csms(std::string_view action) const;

private:
  struct Entry; // parsed valijson schema + the raw JSON it came from

  std::optional<std::string> validate(const std::string& schema_id, const nlohmann::json& payload) const;

  std::string subprotocol_;
  std::map<std::string, std::unique_ptr<Entry>, std::less<>> schemas_; // by "$id" minus "urn:"
  std::set<std::string, std::less<>> charger_actions_;
  std::set<std::string, std::less<>> csms_actions_;
  std::set<std::string, std::less<>> error_codes_;
};

} // namespace ocppfleet::testing
