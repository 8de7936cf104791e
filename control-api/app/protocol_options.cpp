#include "control-api/app/protocol_options.hpp"

namespace ocppfleet::app {

void add_protocol_options(CLI::App& run, ProtocolOptions& o) {
  auto* ocpp = run.add_option("--ocpp", o.ocpp, "OCPP version of every charger: 1.6 or 2.0.1")
                   ->check(CLI::IsMember({"1.6", "2.0.1"}))
                   ->capture_default_str();
  run.add_option("--version-mix", o.version_mix,
                 "Mixed fleet: VERSION=WEIGHT,... e.g. 1.6=70,2.0.1=30; each charger's version is a seeded pick "
                 "(same --seed, same assignment)")
      ->excludes(ocpp);
  run.add_option("--ca-file", o.ca_file,
                 "PEM CA bundle to verify a wss:// CSMS (security profiles 2 and 3; "
                 "default: the system store)")
      ->check(CLI::ExistingFile);
  run.add_flag("--insecure", o.insecure, "Do not verify the CSMS certificate (testing only)");
  auto* cert = run.add_option("--client-cert", o.client_cert,
                              "PEM client certificate for every charger (security profile 3; needs --client-key)");
  auto* key = run.add_option("--client-key", o.client_key, "PEM private key of --client-cert");
  run.add_option("--client-cert-dir", o.client_cert_dir,
                 "Per-charger client certificates (security profile 3): DIR/<identity>.pem and DIR/<identity>.key")
      ->check(CLI::ExistingDirectory)
      ->excludes(cert)
      ->excludes(key);
}

std::optional<FleetLinks> FleetLinks::make(const ProtocolOptions& o, const transport::LinkConfig& base,
                                           std::uint64_t seed, std::string* error) {
  FleetLinks links;
  links.options_ = o;
  links.seed_ = seed;
  links.base_ = base;
  if (o.version_mix) {
    std::string why;
    links.mix_ = fleet::parse_version_mix(*o.version_mix, &why);
    if (!links.mix_) {
      *error = "--version-mix '" + *o.version_mix + "': " + why;
      return std::nullopt;
    }
  } else {
    links.single_ = ocpp::parse_protocol_version(o.ocpp).value_or(ocpp::ProtocolVersion::V16);
  }
  if (o.client_cert.has_value() != o.client_key.has_value()) {
    *error = "--client-cert and --client-key go together (security profile 3)";
    return std::nullopt;
  }
  const bool client_certs = o.client_cert || o.client_cert_dir;
  if (client_certs && !base.url.tls) {
    *error = "client certificates (security profile 3) need a wss:// URL";
    return std::nullopt;
  }
  links.tls_ = transport::TlsOptions{!o.insecure, o.ca_file, o.client_cert, o.client_key};
  if (base.url.tls && !o.client_cert_dir) {
    try {
      links.base_.tls = transport::shared_client_tls_context(links.tls_);
    } catch (const std::exception& e) {
      *error = std::string{"TLS: "} + e.what();
      return std::nullopt;
    }
  }
  return links;
}

ocpp::ProtocolVersion FleetLinks::version_of(std::uint32_t fleet_index) const {
  return mix_ ? fleet::pick_version(*mix_, seed_, fleet_index) : single_;
}

std::shared_ptr<const transport::LinkConfig> FleetLinks::link_for(ocpp::ProtocolVersion version,
                                                                  const std::string& identity, std::string* error) {
  if (!options_.client_cert_dir) {
    auto& shared = shared_[version];
    if (!shared) {
      auto config = std::make_shared<transport::LinkConfig>(base_);
      config->subprotocol = std::string{ocpp::subprotocol(version)};
      shared = std::move(config);
    }
    return shared;
  }
  // Per-charger certificates: each charger has its own context (chargers sharing files
  // share one through the cache) and therefore its own LinkConfig.
  try {
    auto config = std::make_shared<transport::LinkConfig>(base_);
    config->subprotocol = std::string{ocpp::subprotocol(version)};
    config->tls = transport::shared_client_tls_context(
        transport::tls_options_for_identity(tls_, *options_.client_cert_dir, identity));
    return config;
  } catch (const std::exception& e) {
    *error = "TLS for " + identity + ": " + e.what();
    return nullptr;
  }
}

std::string FleetLinks::describe() const {
  if (!mix_) return "OCPP " + std::string{ocpp::to_string(single_)};
  std::string out = "OCPP mix ";
  for (const auto& w : *mix_) {
    if (out.back() != ' ') out += ',';
    out += std::string{ocpp::to_string(w.version)} + '=' + std::to_string(w.weight);
  }
  return out;
}

} // namespace ocppfleet::app
