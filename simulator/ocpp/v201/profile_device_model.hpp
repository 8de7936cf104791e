#pragma once
// The 2.0.1 device model of a brand/model profile: the standard components and variables
// with the profile's defaults, read-only flags and allowed values laid over them (plus the
// vendor's own variables), its measurands and sample interval as the SampledDataCtrlr
// defaults, and each EVSE's connector type. Built once per profile, shared by every
// station of the model.
#include "simulator/catalog/profile.hpp"
#include "simulator/ocpp/v201/device_model.hpp"

namespace ocppfleet::v201 {

// Cached per (profile, EVSE count); thread-safe; the reference lives as long as the process.
// A profile value that is not valid for the standard variable's type keeps the standard
// default (and is logged once).
const DeviceModelSchema& device_model_for(const catalog::ModelProfile& profile, int evse_count);

} // namespace ocppfleet::v201
