#pragma once
// The pure JSON side of GetVariables, SetVariables and GetBaseReport/NotifyReport: request
// payload in, response (or report pages) out, no I/O. Malformed requests throw
// rpc::PayloadError before anything is read or written, so the dispatcher answers the
// matching CALLERROR and a bad SetVariables never half-applies.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/ocpp/rpc/registry.hpp"
#include "simulator/ocpp/v201/device_model.hpp"

namespace ocppfleet::v201 {

using Json = nlohmann::json;

// The whole-message limits of the device model for `message` ("GetVariables",
// "SetVariables"), checked before any item is read, so a CSMS cannot make a charger build a
// megabyte answer: more than DeviceDataCtrlr.ItemsPerMessage[message] items ->
// OccurrenceConstraintViolation; a request frame longer than BytesPerMessage[message] ->
// FormatViolation (OCPP 2.0.1 B05/B06: the Charging Station MAY answer these CALLERRORs).
// nullopt when within both (or the model defines no limit).
std::optional<rpc::HandlerError> message_limits_error(const DeviceModel& model, std::string_view message,
                                                      const Json& request, std::string_view array_field,
                                                      std::size_t request_bytes);

// GetVariablesResponse payload. Per item: UnknownComponent / UnknownVariable (component known
// at that EVSE/connector, variable not), NotSupportedAttributeType (anything but Actual),
// Rejected for a WriteOnly variable, else Accepted with attributeValue. component, variable
// and attributeType are echoed as requested (customData dropped). Items past
// DeviceDataCtrlr.ItemsPerMessage[GetVariables] are Rejected (reasonCode TooManyElements),
// as the OCTT expects (TC_B_08_CS), rather than failing the whole call.
Json get_variables_response(const DeviceModel& model, const Json& request);

// SetVariablesResponse payload; accepted values are applied in request order. Rejected with
// reasonCode ReadOnly / InvalidValue / ValueOutOfRange / TooManyElements (past
// ItemsPerMessage[SetVariables]); RebootRequired when the value was stored but takes effect
// after a reboot. `changed`, when given, receives each definition whose value actually
// changed, once, in request order (so the adapter can e.g. re-arm the heartbeat).
Json set_variables_response(DeviceModel& model, const Json& request,
                            std::vector<const VariableDef*>* changed = nullptr);

// ReportBaseEnumType: ConfigurationInventory, FullInventory, SummaryInventory.
bool is_known_report_base(std::string_view report_base);

// ReportDataType objects for a GetBaseReport, in schema order: ConfigurationInventory = the
// variables the CSMS can write, FullInventory = all, SummaryInventory = the availability
// variables (station, EVSEs, connectors). WriteOnly variables are reported without a value.
// Throws std::invalid_argument for an unknown report base (check is_known_report_base first).
std::vector<Json> base_report_entries(const DeviceModel& model, std::string_view report_base);

// NotifyReportRequest payloads carrying `entries` in order, `per_page` each (0 counts as 1):
// seqNo 0.., tbc true on all pages but the last. No entries -> one page without reportData.
std::vector<Json> notify_report_pages(std::vector<Json> entries, int request_id, std::string generated_at,
                                      std::size_t per_page);

} // namespace ocppfleet::v201
