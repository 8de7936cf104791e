// GCC 12 reports a false -Wmaybe-uninitialized inside std::function when it inlines the
// std::regex compiler that valijson instantiates (seen with -O1 -fsanitize=address,undefined,
// GCC bug 105562 family). The warning is attributed to libstdc++ lines included before any
// valijson header, so it can only be silenced for the whole translation unit.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "support/ocpp_schema_validator.hpp"

// valijson's exceptions.hpp includes <stdexcept> inside namespace valijson; it must already
// be included (guarded) here or its declarations land in the wrong namespace.
#include <stdexcept>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <sstream>
#include <utility>

#include "support/node_csms_peer.hpp" // peers_dir()

namespace ocppfleet::testing {

using nlohmann::json;

struct OcppSchemaValidator::Entry {
  json raw;                // original schema, used for the checks we do ourselves
  valijson::Schema schema; // parsed from `raw` minus "format" and "multipleOf"
};

namespace {

constexpr std::size_t kMaxMessageIdLength = 36; // OCPP-J 1.6 §4.1.3, 2.0.1 §4.2.1
constexpr std::size_t kMaxErrorDescription201 = 255;
constexpr int kMaxSchemaDepth = 64;

// Actions a charging station initiates; everything else in a bundle is CSMS-initiated,
// except DataTransfer which goes both ways.
const std::set<std::string, std::less<>> kChargerActions16 = {
    "Authorize", "BootNotification", "DataTransfer", "DiagnosticsStatusNotification", "FirmwareStatusNotification",
    "Heartbeat", "MeterValues", "StartTransaction", "StatusNotification", "StopTransaction",
    // OCPP 1.6 security whitepaper extension
    "LogStatusNotification", "SecurityEventNotification", "SignCertificate", "SignedFirmwareStatusNotification"};

const std::set<std::string, std::less<>> kChargerActions201 = {"Authorize",
                                                               "BootNotification",
                                                               "ClearedChargingLimit",
                                                               "DataTransfer",
                                                               "FirmwareStatusNotification",
                                                               "Get15118EVCertificate",
                                                               "GetCertificateStatus",
                                                               "Heartbeat",
                                                               "LogStatusNotification",
                                                               "MeterValues",
                                                               "NotifyChargingLimit",
                                                               "NotifyCustomerInformation",
                                                               "NotifyDisplayMessages",
                                                               "NotifyEVChargingNeeds",
                                                               "NotifyEVChargingSchedule",
                                                               "NotifyEvent",
                                                               "NotifyMonitoringReport",
                                                               "NotifyReport",
                                                               "PublishFirmwareStatusNotification",
                                                               "ReportChargingProfiles",
                                                               "ReservationStatusUpdate",
                                                               "SecurityEventNotification",
                                                               "SignCertificate",
                                                               "StatusNotification",
                                                               "TransactionEvent"};

// 1.6 lists "OccurenceConstraintViolation" (sic); its errata and ocpp-rpc use the correct
// spelling, so accept both. 1.6 says FormationViolation where 2.0.1 says FormatViolation.
const std::set<std::string, std::less<>> kErrorCodes16 = {"NotImplemented",
                                                          "NotSupported",
                                                          "InternalError",
                                                          "ProtocolError",
                                                          "SecurityError",
                                                          "FormationViolation",
                                                          "PropertyConstraintViolation",
                                                          "OccurenceConstraintViolation",
                                                          "OccurrenceConstraintViolation",
                                                          "TypeConstraintViolation",
                                                          "GenericError"};

const std::set<std::string, std::less<>> kErrorCodes201 = {"FormatViolation",
                                                           "GenericError",
                                                           "InternalError",
                                                           "MessageTypeNotSupported",
                                                           "NotImplemented",
                                                           "NotSupported",
                                                           "OccurrenceConstraintViolation",
                                                           "PropertyConstraintViolation",
                                                           "ProtocolError",
                                                           "RpcFrameworkError",
                                                           "SecurityError",
                                                           "TypeConstraintViolation"};

// Copy of a schema without the keywords we check ourselves. Only string-valued "format"
// and number-valued "multipleOf" are keywords; a property *named* "format" has an object
// value and survives.
json strip_own_keywords(const json& node) {
  if (node.is_array()) {
    json out = json::array();
    for (const auto& v : node)
      out.push_back(strip_own_keywords(v));
    return out;
  }
  if (!node.is_object()) return node;
  json out = json::object();
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it.key() == "format" && it.value().is_string()) continue;
    if (it.key() == "multipleOf" && it.value().is_number()) continue;
    out[it.key()] = strip_own_keywords(it.value());
  }
  return out;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s)
    v = v * 10 + (c - '0');
  return v;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return (month == 2 && leap) ? 29 : kDays[month - 1];
}

// RFC 3339 §5.6 date-time: YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm), T/Z case-insensitive.
bool is_rfc3339_date_time(std::string_view s) {
  if (s.size() < 20) return false;
  if (!all_digits(s.substr(0, 4)) || s[4] != '-' || !all_digits(s.substr(5, 2)) || s[7] != '-' ||
      !all_digits(s.substr(8, 2)) || (s[10] != 'T' && s[10] != 't') || !all_digits(s.substr(11, 2)) || s[13] != ':' ||
      !all_digits(s.substr(14, 2)) || s[16] != ':' || !all_digits(s.substr(17, 2))) {
    return false;
  }
  const int year = to_int(s.substr(0, 4));
  const int month = to_int(s.substr(5, 2));
  const int day = to_int(s.substr(8, 2));
  const int hour = to_int(s.substr(11, 2));
  const int minute = to_int(s.substr(14, 2));
  const int second = to_int(s.substr(17, 2));
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 ||
      second > 60 || (second == 60 && minute != 59)) {
    return false;
  }
  std::size_t pos = 19;
  if (s[pos] == '.') {
    const std::size_t start = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9')
      ++pos;
    if (pos == start) return false;
  }
  const std::string_view offset = s.substr(pos);
  if (offset == "Z" || offset == "z") return true;
  if (offset.size() != 6 || (offset[0] != '+' && offset[0] != '-') || !all_digits(offset.substr(1, 2)) ||
      offset[3] != ':' || !all_digits(offset.substr(4, 2))) {
    return false;
  }
  return to_int(offset.substr(1, 2)) <= 23 && to_int(offset.substr(4, 2)) <= 59;
}

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Absolute URI per RFC 3986: scheme ":" then only unreserved/reserved chars or %HH.
bool is_absolute_uri(std::string_view s) {
  std::size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || !is_alpha(s[0])) return false;
  for (std::size_t i = 1; i < colon; ++i) {
    const char c = s[i];
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return false;
  }
  static constexpr std::string_view kAllowed = "-._~:/?#[]@!$&'()*+,;=";
  for (std::size_t i = colon + 1; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2])) return false;
      i += 2;
    } else if (!is_alpha(c) && !is_digit(c) && kAllowed.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

std::string pointer_text(const std::string& path) { return path.empty() ? "/" : path; }

std::string escape_pointer_token(const std::string& token) {
  std::string out;
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

// Walks instance and schema together to apply the keywords valijson does not handle the
// way we want. The OCPP bundles use no combinators (allOf/anyOf/oneOf/if), so following
// $ref, properties, additionalProperties and items reaches every format/multipleOf.
void check_own_keywords(const json& schema, const json& root, const json& instance, const std::string& path,
                        std::vector<std::string>& errors, int depth) {
  if (!schema.is_object() || depth > kMaxSchemaDepth) return;
  if (auto ref = schema.find("$ref"); ref != schema.end() && ref->is_string()) {
    const auto& target = ref->get_ref<const std::string&>();
    if (target.rfind("#/", 0) == 0) {
      const json::json_pointer ptr(target.substr(1));
      if (root.contains(ptr)) check_own_keywords(root.at(ptr), root, instance, path, errors, depth + 1);
    }
    return; // draft-07: siblings of $ref are ignored
  }
  if (auto fmt = schema.find("format"); fmt != schema.end() && fmt->is_string() && instance.is_string()) {
    const auto& value = instance.get_ref<const std::string&>();
    const auto& format = fmt->get_ref<const std::string&>();
    if (format == "date-time" && !is_rfc3339_date_time(value)) {
      errors.push_back(pointer_text(path) + ": '" + value +
                       "' is not an RFC 3339 date-time (need YYYY-MM-DDThh:mm:ss[.f] and Z or +hh:mm)");
    } else if (format == "uri" && !is_absolute_uri(value)) {
      errors.push_back(pointer_text(path) + ": '" + value + "' is not an absolute URI");
    }
  }
  if (auto mo = schema.find("multipleOf"); mo != schema.end() && mo->is_number() && instance.is_number()) {
    const double divisor = mo->get<double>();
    const double q = instance.get<double>() / divisor;
    if (divisor != 0 && !(std::fabs(std::round(q) - q) < 1e-6)) {
      errors.push_back(pointer_text(path) + ": " + instance.dump() + " is not a multiple of " + mo->dump());
    }
  }
  if (instance.is_object()) {
    const auto props = schema.find("properties");
    const auto additional = schema.find("additionalProperties");
    for (auto it = instance.begin(); it != instance.end(); ++it) {
      const std::string child = path + "/" + escape_pointer_token(it.key());
      if (props != schema.end() && props->is_object() && props->contains(it.key())) {
        check_own_keywords(props->at(it.key()), root, it.value(), child, errors, depth + 1);
      } else if (additional != schema.end() && additional->is_object()) {
        check_own_keywords(*additional, root, it.value(), child, errors, depth + 1);
      }
    }
  }
  if (instance.is_array()) {
    if (auto items = schema.find("items"); items != schema.end()) {
      for (std::size_t i = 0; i < instance.size(); ++i) {
        const std::string child = path + "/" + std::to_string(i);
        if (items->is_object()) {
          check_own_keywords(*items, root, instance[i], child, errors, depth + 1);
        } else if (items->is_array() && i < items->size()) {
          check_own_keywords((*items)[i], root, instance[i], child, errors, depth + 1);
        }
      }
    }
  }
}

// valijson context {"<root>", "[idTagInfo]", "[status]"} -> "/idTagInfo/status".
std::string context_to_path(const std::vector<std::string>& context) {
  std::string path;
  for (const auto& part : context) {
    if (part == "<root>") continue;
    std::string token = part;
    if (token.size() >= 2 && token.front() == '[' && token.back() == ']') token = token.substr(1, token.size() - 2);
    path += "/" + escape_pointer_token(token);
  }
  return pointer_text(path);
}

json load_bundle(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) {
    throw std::runtime_error("cannot open OCPP schema bundle " + file.string() +
                             " (run scripts/setup.sh to install the test peers)");
  }
  json bundle = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (bundle.is_discarded() || !bundle.is_array()) {
    throw std::runtime_error("OCPP schema bundle is not a JSON array: " + file.string());
  }
  return bundle;
}

std::filesystem::path schema_dir() { return peers_dir() / "node_modules" / "ocpp-rpc" / "lib" / "schemas"; }

// " (got <value>)" for scalar values at `path`, so a failure shows the offending data.
std::string got_value(const json& payload, const std::string& path) {
  try {
    const json::json_pointer ptr(path == "/" ? "" : path);
    if (!payload.contains(ptr)) return {};
    const json& value = payload.at(ptr);
    if (value.is_structured()) return {};
    std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
    if (text.size() > 60) text = text.substr(0, 60) + "...";
    return " (got " + text + ")";
  } catch (const std::exception&) {
    return {}; // path from valijson that is not a valid pointer into the payload
  }
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += "; ";
    out += p;
  }
  return out;
}

} // namespace

OcppSchemaValidator::OcppSchemaValidator(std::string subprotocol, const std::filesystem::path& bundle_file)
    : subprotocol_(std::move(subprotocol)) {
  if (subprotocol_ == "ocpp1.6") {
    error_codes_ = kErrorCodes16;
  } else if (subprotocol_ == "ocpp2.0.1") {
    error_codes_ = kErrorCodes201;
  } else {
    throw std::invalid_argument("unsupported OCPP subprotocol: " + subprotocol_);
  }
  const auto& charger = subprotocol_ == "ocpp1.6" ? kChargerActions16 : kChargerActions201;

  const json bundle = load_bundle(bundle_file);
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  for (const auto& raw : bundle) {
    const auto id = raw.value("$id", std::string{});
    if (id.rfind("urn:", 0) != 0) {
      throw std::runtime_error("schema without a urn: $id in " + bundle_file.string() + ": " + id);
    }
    auto entry = std::make_unique<Entry>();
    entry->raw = raw;
    const json stripped = strip_own_keywords(raw);
    try {
      parser.populateSchema(valijson::adapters::NlohmannJsonAdapter(stripped), entry->schema);
    } catch (const std::exception& e) {
      throw std::runtime_error("cannot parse schema " + id + ": " + e.what());
    }
    const std::string name = id.substr(4); // "BootNotification.req"
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".req") == 0) {
      const std::string action = name.substr(0, name.size() - 4);
      (charger.count(action) != 0 ? charger_actions_ : csms_actions_).insert(action);
    }
    schemas_.emplace(name, std::move(entry));
  }
  if (charger_actions_.count("DataTransfer") != 0) csms_actions_.insert("DataTransfer");
}

OcppSchemaValidator::~OcppSchemaValidator() = default;

const OcppSchemaValidator& OcppSchemaValidator::v16() {
  static const OcppSchemaValidator instance("ocpp1.6", schema_dir() / "ocpp1_6.json");
  return instance;
}

const OcppSchemaValidator& OcppSchemaValidator::v201() {
  static const OcppSchemaValidator instance("ocpp2.0.1", schema_dir() / "ocpp2_0_1.json");
  return instance;
}

const OcppSchemaValidator& OcppSchemaValidator::for_subprotocol(std::string_view subprotocol) {
  if (subprotocol == "ocpp1.6") return v16();
  if (subprotocol == "ocpp2.0.1") return v201();
  throw std::invalid_argument("unsupported OCPP subprotocol: " + std::string(subprotocol));
}

bool OcppSchemaValidator::has_action(std::string_view action) const {
  return schemas_.find(std::string(action) + ".req") != schemas_.end();
}

std::vector<std::string> OcppSchemaValidator::actions() const {
  std::vector<std::string> out;
  for (const auto& [name, entry] : schemas_) {
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".req") == 0)
      out.push_back(name.substr(0, name.size() - 4));
  }
  return out;
}

bool OcppSchemaValidator::initiated_by_charger(std::string_view action) const {
  return charger_actions_.find(action) != charger_actions_.end();
}

bool OcppSchemaValidator::initiated_by_csms(std::string_view action) const {
  return csms_actions_.find(action) != csms_actions_.end();
}

std::optional<std::string> OcppSchemaValidator::validate_request(std::string_view action, const json& payload) const {
  return validate(std::string(action) + ".req", payload);
}

std::optional<std::string> OcppSchemaValidator::validate_response(std::string_view action, const json& payload) const {
  return validate(std::string(action) + ".conf", payload);
}

std::optional<std::string> OcppSchemaValidator::validate(const std::string& schema_id, const json& payload) const {
  const auto it = schemas_.find(schema_id);
  if (it == schemas_.end()) {
    return schema_id + ": no such schema in " + subprotocol_ + " (unknown action)";
  }
  const Entry& entry = *it->second;

  std::vector<std::string> errors;
  // A fresh valijson::Validator per call: it caches regexes in a non-thread-safe map.
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  try {
    if (!validator.validate(entry.schema, valijson::adapters::NlohmannJsonAdapter(payload), &results)) {
      valijson::ValidationResults::Error error;
      std::vector<std::string> wrappers;
      while (results.popError(error)) {
        const std::string path = context_to_path(error.context);
        std::string line = path + ": " + error.description + got_value(payload, path);
        // valijson reports each failure again at every enclosing level ("Failed to validate
        // against schema associated with property name ..."); those add noise, not facts.
        const bool wrapper = error.description.rfind("Failed to validate against schema associated", 0) == 0 ||
                             error.description.rfind("Failed to validate item #", 0) == 0;
        auto& bucket = wrapper ? wrappers : errors;
        if (std::find(bucket.begin(), bucket.end(), line) == bucket.end()) bucket.push_back(std::move(line));
      }
      if (errors.empty()) errors = std::move(wrappers);
      if (errors.empty()) errors.emplace_back("/: invalid");
    }
  } catch (const std::exception& e) {
    errors.push_back(std::string("/: validator error: ") + e.what());
  }
  check_own_keywords(entry.raw, entry.raw, payload, "", errors, 0);
  if (errors.empty()) return std::nullopt;
  return schema_id + ": " + join(errors);
}

std::optional<std::string> OcppSchemaValidator::validate_frame(std::string_view raw_frame_text,
                                                               bool outbound_from_charger,
                                                               std::optional<std::string_view> result_action) const {
  const json frame = json::parse(raw_frame_text, nullptr, /*allow_exceptions=*/false);
  if (frame.is_discarded()) return std::string("frame is not valid JSON");
  if (!frame.is_array() || frame.size() < 3) return std::string("frame must be a JSON array of at least 3 elements");
  if (!frame[0].is_number_integer()) return std::string("frame[0] (message type) must be an integer");
  if (!frame[1].is_string()) return std::string("frame[1] (message id) must be a string");
  const auto& id = frame[1].get_ref<const std::string&>();
  if (id.empty() || id.size() > kMaxMessageIdLength) {
    return "message id must be 1.." + std::to_string(kMaxMessageIdLength) + " characters, got " +
           std::to_string(id.size());
  }
  const std::string sender = outbound_from_charger ? "charging station" : "CSMS";

  switch (frame[0].get<int>()) {
  case 2: { // CALL
    if (frame.size() != 4) return std::string("CALL must have exactly 4 elements");
    if (!frame[2].is_string()) return std::string("CALL action must be a string");
    const auto& action = frame[2].get_ref<const std::string&>();
    if (!has_action(action)) return "CALL action '" + action + "' is not defined in " + subprotocol_;
    const bool allowed = outbound_from_charger ? initiated_by_charger(action) : initiated_by_csms(action);
    if (!allowed) return "CALL action '" + action + "' may not be sent by the " + sender + " in " + subprotocol_;
    return validate_request(action, frame[3]);
  }
  case 3: { // CALLRESULT
    if (frame.size() != 3) return std::string("CALLRESULT must have exactly 3 elements");
    if (!frame[2].is_object()) return std::string("CALLRESULT payload must be a JSON object");
    if (result_action) return validate_response(*result_action, frame[2]);
    return std::nullopt;
  }
  case 4: { // CALLERROR
    if (frame.size() != 5) return std::string("CALLERROR must have exactly 5 elements");
    if (!frame[2].is_string()) return std::string("CALLERROR code must be a string");
    if (!frame[3].is_string()) return std::string("CALLERROR description must be a string");
    if (!frame[4].is_object()) return std::string("CALLERROR details must be a JSON object");
    const auto& code = frame[2].get_ref<const std::string&>();
    if (error_codes_.find(code) == error_codes_.end()) {
      return "CALLERROR code '" + code + "' is not defined in " + subprotocol_;
    }
    if (subprotocol_ == "ocpp2.0.1" && frame[3].get_ref<const std::string&>().size() > kMaxErrorDescription201) {
      return "CALLERROR description longer than " + std::to_string(kMaxErrorDescription201) + " characters";
    }
    return std::nullopt;
  }
  default: return "unknown message type " + frame[0].dump();
  }
}

} // namespace ocppfleet::testing
