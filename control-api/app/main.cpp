// ocppfleet: the composition root. Parses the command line and hands off to a command.
#include <CLI/CLI.hpp>

#include <iostream>

#include "control-api/app/catalog_commands.hpp"
#include "control-api/app/run_command.hpp"
#include "control-api/app/serve_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"ocppfleet: OCPP 1.6-J / 2.0.1 charge-point simulator fleet with a REST control API"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "ocppfleet 0.1.0");
  ocppfleet::app::RunOptions run_options;
  ocppfleet::app::add_run_command(app, run_options);
  ocppfleet::app::CatalogOptions catalog_options;
  ocppfleet::app::add_catalog_commands(app, catalog_options);
  ocppfleet::app::ServeOptions serve_options;
  ocppfleet::app::TokenOptions token_options;
  ocppfleet::app::add_serve_commands(app, serve_options, token_options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints the message; scripts get one code for every bad argument (0 for --help).
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (app.got_subcommand("run")) return ocppfleet::app::run_fleet(run_options);
  if (const auto status = ocppfleet::app::run_catalog_command(app, catalog_options, argv[0])) return *status;
  if (const auto status = ocppfleet::app::run_serve_commands(app, serve_options, token_options)) return *status;
  return 0;
}
