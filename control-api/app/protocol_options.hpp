#pragma once
// `ocppfleet run` flags for the protocol side of a fleet: OCPP version or a seeded version
// mix, and the security profile material (client certificates for profile 3). Turns them
// into the LinkConfig each charger uses: one per version for the whole fleet, or one per
// charger when every charger has its own client certificate.
#include <CLI/CLI.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "simulator/fleet/version_mix.hpp"
#include "simulator/ocpp/common/charge_point_base.hpp"
#include "simulator/transport/link.hpp"
#include "simulator/transport/tls_context.hpp"

namespace ocppfleet::app {

struct ProtocolOptions {
  std::string ocpp = "1.6";
  std::optional<std::string> version_mix; // "1.6=70,2.0.1=30"
  // The 2.0.1 chargers' CSMS endpoint when it is not --ws-url's (many CSMSs serve one OCPP
  // version per endpoint, so a mixed fleet needs two).
  std::optional<std::string> ws_url_201;
  std::optional<std::string> ca_file;
  bool insecure = false;
  std::optional<std::string> client_cert;     // PEM, shared by every charger (SP3)
  std::optional<std::string> client_key;      // PEM
  std::optional<std::string> client_cert_dir; // <dir>/<identity>.pem + .key per charger (SP3)
};

void add_protocol_options(CLI::App& run, ProtocolOptions& o);

class FleetLinks {
public:
  // Checks the flags and builds the shared TLS context; nullopt with *error (a message for
  // the user) when they are inconsistent or a PEM file is unusable.
  static std::optional<FleetLinks> make(const ProtocolOptions& o, const transport::LinkConfig& base, std::uint64_t seed,
                                        std::string* error);

  [[nodiscard]] ocpp::ProtocolVersion version_of(std::uint32_t fleet_index) const;
  // The link settings of one charger; nullptr with *error when its certificate files are
  // missing or unusable (per-charger certificates only).
  std::shared_ptr<const transport::LinkConfig> link_for(ocpp::ProtocolVersion version, const std::string& identity,
                                                        std::string* error);
  [[nodiscard]] std::string describe() const; // "OCPP 2.0.1" / "OCPP mix 1.6=70,2.0.1=30"

private:
  FleetLinks() = default;
  [[nodiscard]] std::string describe_versions() const;

  ProtocolOptions options_;
  std::uint64_t seed_ = 1;
  std::optional<fleet::VersionMix> mix_;
  ocpp::ProtocolVersion single_ = ocpp::ProtocolVersion::V16;
  transport::LinkConfig base_;
  std::optional<transport::WsUrl> url_201_;
  transport::TlsOptions tls_;
  std::map<ocpp::ProtocolVersion, std::shared_ptr<const transport::LinkConfig>> shared_;
};

} // namespace ocppfleet::app
