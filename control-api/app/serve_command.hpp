#pragma once
// `ocppfleet serve`: the control API (HTTP) and the fleet engine in one process, with the
// embedded SQLite store; and `ocppfleet token create`, which mints an API token.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ocppfleet::app {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  std::string db = "./ocppfleet.db";
  std::optional<std::string> brands_dir;
  std::optional<std::string> templates_dir; // CPO templates (default: default_templates_dir)
  // Base of the absolute URLs handed out (ocpi_peer_url); default http://<--listen>.
  std::optional<std::string> public_url;
  double cpo_reaper_interval_s = 5; // how often expired CPOs are torn down
  double provision_timeout_s = 30;
  int provision_attempts = 3;       // attempts for a retryable failure (connection refused, timeout, ...)
  std::size_t log_retention = 5000; // OCPP frames kept per charger
  // How long a deleted charger's row (password scrubbed), logs and runs stay: "24h", "30m",
  // "7d", "90s", "0" (purge at once) or "forever".
  std::string deleted_retention = "24h";
  unsigned shards = 0;
  std::size_t max_body_bytes = 1 << 20;
  std::string log_level = "info";
  // The embedded CSMS (docs/csms.md): "HOST:PORT", or "off"/"" to run without it.
  std::string ocpp_listen = "127.0.0.1:8180";
  std::optional<std::string> ocpp_password; // Security Profile 1 on /ocpp/<identity>
  int ocpp_heartbeat_interval_s = 300;
};

struct TokenOptions {
  std::string org;
  std::string db = "./ocppfleet.db";
  bool admin = false;
  std::optional<std::string> label;
};

// Parses --deleted-retention: a number with a unit (s, m, h, d; none = seconds), or
// "forever" (nullopt inside). Outer nullopt: not a duration.
std::optional<std::optional<std::chrono::seconds>> parse_retention(std::string_view text);

void add_serve_commands(CLI::App& app, ServeOptions& serve, TokenOptions& token);
// The exit status when `serve` or `token create` was given, nullopt otherwise.
std::optional<int> run_serve_commands(const CLI::App& app, const ServeOptions& serve, const TokenOptions& token);

} // namespace ocppfleet::app
