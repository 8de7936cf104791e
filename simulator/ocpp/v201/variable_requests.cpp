#include "simulator/ocpp/v201/variable_requests.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <optional>
#include <stdexcept>

#include "simulator/ocpp/rpc/payload.hpp"

namespace ocppfleet::v201 {

namespace {

using rpc::ErrorCode;
using rpc::PayloadError;

constexpr std::size_t kMaxName = 50;       // ComponentType/VariableType name and instance
constexpr std::size_t kMaxSetValue = 1000; // SetVariableData.attributeValue

// One GetVariableData / SetVariableData item, read and type-checked.
struct Item {
  std::string component;
  std::optional<std::string> component_instance;
  std::optional<int> evse_id;
  std::optional<int> connector_id;
  std::string variable;
  std::optional<std::string> variable_instance;
  std::optional<std::string> attribute_type; // as sent; absent means Actual
  std::string value;                         // SetVariables only
};

Item read_item(const Json& item, std::string_view array_field, bool with_value) {
  if (!item.is_object()) {
    throw PayloadError(ErrorCode::TypeConstraintViolation, std::string{array_field} + ": items must be objects");
  }
  Item out;
  const Json& component = rpc::require_object_field(item, "component");
  out.component = rpc::require_string(component, "name", kMaxName);
  out.component_instance = rpc::optional_string(component, "instance", kMaxName);
  if (const Json* evse = rpc::optional_object_field(component, "evse")) {
    // Any integer the schema allows is read; an id we do not have is UnknownComponent, not a CALLERROR.
    out.evse_id = static_cast<int>(rpc::require_int(*evse, "id", INT_MIN, INT_MAX));
    if (const auto c = rpc::optional_int(*evse, "connectorId", INT_MIN, INT_MAX))
      out.connector_id = static_cast<int>(*c);
  }
  const Json& variable = rpc::require_object_field(item, "variable");
  out.variable = rpc::require_string(variable, "name", kMaxName);
  out.variable_instance = rpc::optional_string(variable, "instance", kMaxName);
  out.attribute_type = rpc::optional_enum(item, "attributeType", {"Actual", "Target", "MinSet", "MaxSet"});
  if (with_value) out.value = rpc::require_string(item, "attributeValue", kMaxSetValue);
  return out;
}

// All items are read before any is acted on: a malformed item fails the whole call.
std::vector<Item> read_items(const Json& request, std::string_view array_field, bool with_value) {
  rpc::require_object(request);
  const Json& array = rpc::require_array_field(request, array_field);
  if (array.empty()) {
    throw PayloadError(ErrorCode::OccurrenceConstraintViolation,
                       std::string{array_field} + ": at least one item required");
  }
  std::vector<Item> items;
  items.reserve(array.size());
  for (const Json& item : array)
    items.push_back(read_item(item, array_field, with_value));
  return items;
}

// The component and variable as requested, rebuilt from the fields read so the echo is
// schema-valid whatever extra members the request carried.
Json component_json(const std::string& name, const std::optional<std::string>& instance, std::optional<int> evse_id,
                    std::optional<int> connector_id) {
  Json c{{"name", name}};
  if (instance) c["instance"] = *instance;
  if (evse_id) {
    Json evse{{"id", *evse_id}};
    if (connector_id) evse["connectorId"] = *connector_id;
    c["evse"] = std::move(evse);
  }
  return c;
}

Json variable_json(const std::string& name, const std::optional<std::string>& instance) {
  Json v{{"name", name}};
  if (instance) v["instance"] = *instance;
  return v;
}

Json result_skeleton(const Item& item, std::string_view status) {
  Json r{{"attributeStatus", status},
         {"component", component_json(item.component, item.component_instance, item.evse_id, item.connector_id)},
         {"variable", variable_json(item.variable, item.variable_instance)}};
  if (item.attribute_type) r["attributeType"] = *item.attribute_type;
  return r;
}

void add_reason(Json& result, std::string_view reason_code) {
  result["attributeStatusInfo"] = {{"reasonCode", reason_code}};
}

// The definition an item names, or the status that says why there is none.
const VariableDef* resolve(const DeviceModelSchema& schema, const Item& item, std::string_view& status) {
  // No standard component has instances, so a component instance never exists.
  if (item.component_instance || !schema.has_component(item.component, item.evse_id, item.connector_id)) {
    status = "UnknownComponent";
    return nullptr;
  }
  const std::optional<std::string_view> instance =
      item.variable_instance ? std::optional<std::string_view>{*item.variable_instance} : std::nullopt;
  const VariableDef* def = schema.find(item.component, item.evse_id, item.connector_id, item.variable, instance);
  if (def == nullptr) status = "UnknownVariable";
  return def;
}

bool is_actual(const Item& item) { return !item.attribute_type || *item.attribute_type == "Actual"; }

// ItemsPerMessage[<message>], or no limit when the schema does not define it.
std::size_t items_limit(const DeviceModel& model, std::string_view message) {
  const auto n = model.get_int("DeviceDataCtrlr", "ItemsPerMessage", message);
  return n && *n > 0 ? static_cast<std::size_t>(*n) : SIZE_MAX;
}

// minLimit/maxLimit are JSON numbers; integral limits are written as integers ("60", not "60.0").
Json number_json(double v) {
  if (std::trunc(v) == v && std::fabs(v) < 9.0e15) return static_cast<std::int64_t>(v);
  return v;
}

Json report_entry(const DeviceModel& model, const VariableDef& d) {
  Json attribute{{"type", "Actual"},
                 {"mutability", to_string(d.mutability)},
                 {"persistent", d.persistent},
                 {"constant", d.constant}};
  // A WriteOnly value is never disclosed; the schema allows omitting it for exactly that case.
  if (d.mutability != Mutability::WriteOnly) attribute["value"] = model.value(d);

  Json characteristics{{"dataType", to_string(d.type)}, {"supportsMonitoring", false}};
  if (d.unit) characteristics["unit"] = *d.unit;
  switch (d.type) {
  case DataType::Integer:
  case DataType::Decimal:
    if (d.min) characteristics["minLimit"] = number_json(*d.min);
    if (d.max) characteristics["maxLimit"] = number_json(*d.max);
    break;
  case DataType::String:
  case DataType::OptionList:
  case DataType::SequenceList:
  case DataType::MemberList:
    // For string-like types maxLimit is the maximum length of the value.
    characteristics["maxLimit"] = d.max_length;
    break;
  case DataType::Boolean:
  case DataType::DateTime: break;
  }
  if (!d.values_list.empty()) {
    std::string list;
    for (const auto& v : d.values_list) {
      if (!list.empty()) list.push_back(',');
      list += v;
    }
    characteristics["valuesList"] = std::move(list);
  }
  return Json{{"component", component_json(d.component, std::nullopt, d.evse_id, d.connector_id)},
              {"variable", variable_json(d.variable, d.instance)},
              {"variableAttribute", Json::array({std::move(attribute)})},
              {"variableCharacteristics", std::move(characteristics)}};
}

} // namespace

std::optional<rpc::HandlerError> message_limits_error(const DeviceModel& model, std::string_view message,
                                                      const Json& request, std::string_view array_field,
                                                      std::size_t request_bytes) {
  const auto bytes = model.get_int("DeviceDataCtrlr", "BytesPerMessage", message);
  if (bytes && *bytes > 0 && request_bytes > static_cast<std::size_t>(*bytes))
    return rpc::HandlerError{rpc::ErrorCode::FormationViolation,
                             std::string{message} + ": request of " + std::to_string(request_bytes) +
                                 " bytes exceeds BytesPerMessage " + std::to_string(*bytes)};
  const std::size_t limit = items_limit(model, message);
  const auto it = request.is_object() ? request.find(std::string{array_field}) : request.end();
  if (it != request.end() && it->is_array() && it->size() > limit)
    return rpc::HandlerError{rpc::ErrorCode::OccurrenceConstraintViolation,
                             std::string{message} + ": " + std::to_string(it->size()) +
                                 " items exceed ItemsPerMessage " + std::to_string(limit)};
  return std::nullopt;
}

Json get_variables_response(const DeviceModel& model, const Json& request) {
  const std::vector<Item> items = read_items(request, "getVariableData", false);
  const std::size_t limit = items_limit(model, "GetVariables");
  Json results = Json::array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Item& item = items[i];
    if (i >= limit) {
      Json r = result_skeleton(item, "Rejected");
      add_reason(r, "TooManyElements");
      results.push_back(std::move(r));
      continue;
    }
    std::string_view status = "Accepted";
    const VariableDef* def = resolve(model.schema(), item, status);
    if (def != nullptr && !is_actual(item)) status = "NotSupportedAttributeType";
    const bool write_only = def != nullptr && status == "Accepted" && def->mutability == Mutability::WriteOnly;
    if (write_only) status = "Rejected";
    Json r = result_skeleton(item, status);
    if (write_only) add_reason(r, "WriteOnly");
    if (status == "Accepted") r["attributeValue"] = model.value(*def);
    results.push_back(std::move(r));
  }
  return Json{{"getVariableResult", std::move(results)}};
}

Json set_variables_response(DeviceModel& model, const Json& request, std::vector<const VariableDef*>* changed) {
  const std::vector<Item> items = read_items(request, "setVariableData", true);
  const std::size_t limit = items_limit(model, "SetVariables");
  Json results = Json::array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Item& item = items[i];
    if (i >= limit) {
      Json r = result_skeleton(item, "Rejected");
      add_reason(r, "TooManyElements");
      results.push_back(std::move(r));
      continue;
    }
    std::string_view status = "Accepted";
    const VariableDef* def = resolve(model.schema(), item, status);
    if (def == nullptr) {
      results.push_back(result_skeleton(item, status));
      continue;
    }
    if (!is_actual(item)) {
      results.push_back(result_skeleton(item, "NotSupportedAttributeType"));
      continue;
    }
    const std::string before = model.value(*def);
    std::string_view reason;
    switch (model.set(*def, item.value)) {
    case SetStatus::Accepted: status = "Accepted"; break;
    case SetStatus::RebootRequired: status = "RebootRequired"; break;
    case SetStatus::ReadOnly: reason = "ReadOnly"; break;
    case SetStatus::InvalidValue: reason = "InvalidValue"; break;
    case SetStatus::OutOfRange: reason = "ValueOutOfRange"; break;
    }
    Json r = result_skeleton(item, reason.empty() ? status : "Rejected");
    if (!reason.empty()) add_reason(r, reason);
    results.push_back(std::move(r));
    if (changed != nullptr && model.value(*def) != before &&
        std::find(changed->begin(), changed->end(), def) == changed->end()) {
      changed->push_back(def);
    }
  }
  return Json{{"setVariableResult", std::move(results)}};
}

bool is_known_report_base(std::string_view report_base) {
  return report_base == "ConfigurationInventory" || report_base == "FullInventory" || report_base == "SummaryInventory";
}

std::vector<Json> base_report_entries(const DeviceModel& model, std::string_view report_base) {
  if (!is_known_report_base(report_base)) {
    throw std::invalid_argument("base_report_entries: unknown report base " + std::string{report_base});
  }
  const auto wanted = [report_base](const VariableDef& d) {
    if (report_base == "ConfigurationInventory") return d.mutability != Mutability::ReadOnly;
    // The spec's summary: availability of the station, its EVSEs and connectors.
    if (report_base == "SummaryInventory") return d.variable == "AvailabilityState";
    return true;
  };
  std::vector<Json> entries;
  for (const VariableDef& d : model.schema().variables()) {
    if (wanted(d)) entries.push_back(report_entry(model, d));
  }
  return entries;
}

std::vector<Json> notify_report_pages(std::vector<Json> entries, int request_id, std::string generated_at,
                                      std::size_t per_page) {
  per_page = std::max<std::size_t>(per_page, 1);
  const std::size_t page_count = entries.empty() ? 1 : (entries.size() + per_page - 1) / per_page;
  std::vector<Json> pages;
  pages.reserve(page_count);
  for (std::size_t p = 0; p < page_count; ++p) {
    Json page{{"requestId", request_id},
              {"generatedAt", generated_at},
              {"seqNo", static_cast<std::int64_t>(p)},
              {"tbc", p + 1 < page_count}};
    const std::size_t first = p * per_page;
    const std::size_t last = std::min(entries.size(), first + per_page);
    if (first < last) {
      Json data = Json::array();
      for (std::size_t i = first; i < last; ++i)
        data.push_back(std::move(entries[i]));
      page["reportData"] = std::move(data);
    }
    pages.push_back(std::move(page));
  }
  return pages;
}

} // namespace ocppfleet::v201
