#pragma once
// The embedded CSMS as the OCPI layer's backend (ocpi::BackendPort): each OCPI command becomes
// the OCPP call the CPO's backend (csms::Server, backend id = cpo_id) sends to the charger.
#include <cstdint>
#include <memory>
#include <string>

#include "csms/server.hpp"
#include "ocpi/backend_port.hpp"
#include "ocpi/push_feed.hpp"

namespace ocppfleet::app {

class CsmsOcpiPort final : public ocpi::BackendPort {
public:
  explicit CsmsOcpiPort(csms::Server& server) : server_(server) {}

  void start_session(std::int64_t cpo_id, const std::string& identity, int evse_id, const std::string& id_token,
                     ocpi::CallDone done) override;
  void stop_session(std::int64_t cpo_id, const std::string& identity, const std::string& transaction_id,
                    ocpi::CallDone done) override;
  void unlock_connector(std::int64_t cpo_id, const std::string& identity, int evse_id, ocpi::CallDone done) override;
  void reserve_now(std::int64_t cpo_id, const std::string& identity, int evse_id, std::int64_t reservation_id,
                   const std::string& expiry, const std::string& id_token, ocpi::CallDone done) override;
  void cancel_reservation(std::int64_t cpo_id, const std::string& identity, std::int64_t reservation_id,
                          ocpi::CallDone done) override;
  void set_token_authority(std::int64_t cpo_id, std::shared_ptr<const ocpi::TokenAuthority> authority) override;

private:
  csms::Server& server_;
};

// The CPO backends' events, forwarded to the OCPI push feed (the default backend is not a CPO).
class CsmsOcpiEvents final : public csms::EventListener {
public:
  explicit CsmsOcpiEvents(ocpi::PushFeed& feed) : feed_(feed) {}
  void on_status(const csms::StatusChanged& event) override;
  void on_transaction(const csms::TransactionChanged& event) override;

private:
  ocpi::PushFeed& feed_;
};

} // namespace ocppfleet::app
