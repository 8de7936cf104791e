#pragma once
// The OpenAPI 3.1 document of the control API, generated from the registered Operations:
// parameters and request bodies from their Field/Schema declarations (the ones the
// validators read), responses from the shapes in openapi_components.cpp.
#include <nlohmann/json.hpp>

#include <vector>

#include "control-api/routes/api_registry.hpp"
#include "control-api/routes/field_spec.hpp"

namespace ocppfleet::api {

nlohmann::json openapi_document(const std::vector<Operation>& operations);

// The JSON Schema of one declared field (used for properties and parameters).
nlohmann::json field_schema(const Field& field);

// components/schemas entries for the response bodies, keyed by name (HttpErrorResponse,
// HTTPValidationError, ValidationError, ChargerCreateAccepted, ProvisioningErrorDetail, ...).
const nlohmann::json& response_schemas();

} // namespace ocppfleet::api
