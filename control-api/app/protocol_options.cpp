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
  run.add_option("--ws-url-201", o.ws_url_201,
                 "CSMS WebSocket URL of the OCPP 2.0.1 chargers when it differs from --ws-url (a CSMS that serves "
                 "one version per endpoint); the identity is appended");
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
  if (o.ws_url_201) {
    std::string why;
    links.url_201_ = transport::parse_ws_url(*o.ws_url_201, &why);
    if (!links.url_201_) {
      *error = "--ws-url-201: " + why;
      return std::nullopt;
    }
  }
  const bool any_tls = base.url.tls || (links.url_201_ && links.url_201_->tls);
  const bool client_certs = o.client_cert || o.client_cert_dir;
  if (client_certs && (!base.url.tls || (links.url_201_ && !links.url_201_->tls))) {
    *error = "client certificates (security profile 3) need wss:// URLs";
    return std::nullopt;
  }
  links.tls_ = transport::TlsOptions{!o.insecure, o.ca_file, o.client_cert, o.client_key};
  if (any_tls && !o.client_cert_dir) {
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
      if (version == ocpp::ProtocolVersion::V201 && url_201_) config->url = *url_201_;
      shared = std::move(config);
    }
    return shared;
  }
  // Per-charger certificates: each charger has its own context (chargers sharing files
  // share one through the cache) and therefore its own LinkConfig.
  try {
    auto config = std::make_shared<transport::LinkConfig>(base_);
    config->subprotocol = std::string{ocpp::subprotocol(version)};
    if (version == ocpp::ProtocolVersion::V201 && url_201_) config->url = *url_201_;
    config->tls = transport::shared_client_tls_context(
        transport::tls_options_for_identity(tls_, *options_.client_cert_dir, identity));
    return config;
  } catch (const std::exception& e) {
    *error = "TLS for " + identity + ": " + e.what();
    return nullptr;
  }
}

std::string FleetLinks::describe() const {
  const std::string url_note =
      url_201_ && (mix_ || single_ == ocpp::ProtocolVersion::V201) ? " (2.0.1 at " + *options_.ws_url_201 + ")" : "";
  return describe_versions() + url_note;
}

std::string FleetLinks::describe_versions() const {
  if (!mix_) return "OCPP " + std::string{ocpp::to_string(single_)};
  std::string out = "OCPP mix ";
  for (const auto& w : *mix_) {
    if (out.back() != ' ') out += ',';
    out += std::string{ocpp::to_string(w.version)} + '=' + std::to_string(w.weight);
  }
  return out;
}

} // namespace ocppfleet::app
