#include "control-api/app/csms_ocpi_port.hpp"

#include <charconv>
#include <optional>
#include <utility>

namespace ocppfleet::app {
namespace {

// The CSMS's outcome as the OCPI layer reads it.
csms::CallCallback adapt(ocpi::CallDone done) {
  return [done = std::move(done)](csms::CallOutcome outcome) {
    ocpi::CallResult r;
    if (const auto* answer = std::get_if<csms::Json>(&outcome)) {
      r.kind = ocpi::CallResult::Kind::answered;
      r.status = answer->is_object() ? answer->value("status", "") : "";
      r.detail = answer->dump();
    } else {
      const auto& f = std::get<csms::CallFailure>(outcome);
      switch (f.kind) {
      case csms::CallFailureKind::NotConnected: r.kind = ocpi::CallResult::Kind::not_connected; break;
      case csms::CallFailureKind::Timeout: r.kind = ocpi::CallResult::Kind::timeout; break;
      case csms::CallFailureKind::CallError: r.kind = ocpi::CallResult::Kind::call_error; break;
      default: r.kind = ocpi::CallResult::Kind::failed; break;
      }
      r.status = f.code;
      r.detail = f.description;
    }
    done(std::move(r));
  };
}

// The CPO a backend serves; nullopt for the default backend.
std::optional<std::int64_t> cpo_of(const std::string& backend) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(backend.data(), backend.data() + backend.size(), id);
  if (ec != std::errc{} || end != backend.data() + backend.size() || id <= 0) return std::nullopt;
  return id;
}

// The CPO's eMSP tokens as the CSMS backend's authorizer.
class TokenAuthorizer final : public csms::Authorizer {
public:
  explicit TokenAuthorizer(std::shared_ptr<const ocpi::TokenAuthority> authority) : authority_(std::move(authority)) {}
  [[nodiscard]] csms::TokenVerdict authorize(std::string_view id_token) const override {
    return verdict_of(authority_->decide(id_token));
  }
  bool authorize_remotely(const std::string& id_token, VerdictDone done) const override {
    return authority_->decide_remotely(id_token,
                                       [done = std::move(done)](const ocpi::TokenDecision& d) { done(verdict_of(d)); });
  }

private:
  static csms::TokenVerdict verdict_of(const ocpi::TokenDecision& d) {
    csms::TokenVerdict v;
    v.group_id = d.group_id;
    switch (d.status) {
    case ocpi::TokenDecision::Status::accepted: v.status = csms::TokenVerdict::Status::accepted; break;
    case ocpi::TokenDecision::Status::blocked: v.status = csms::TokenVerdict::Status::blocked; break;
    case ocpi::TokenDecision::Status::expired: v.status = csms::TokenVerdict::Status::expired; break;
    case ocpi::TokenDecision::Status::invalid: v.status = csms::TokenVerdict::Status::invalid; break;
    }
    return v;
  }

private:
  std::shared_ptr<const ocpi::TokenAuthority> authority_;
};

} // namespace

void CsmsOcpiPort::set_token_authority(std::int64_t cpo_id, std::shared_ptr<const ocpi::TokenAuthority> authority) {
  server_.set_authorizer(std::to_string(cpo_id),
                         authority ? std::make_shared<TokenAuthorizer>(std::move(authority)) : nullptr);
}

void CsmsOcpiEvents::on_status(const csms::StatusChanged& event) {
  if (const auto cpo = cpo_of(event.backend))
    feed_.on_status(*cpo, event.identity, event.status.evse_id, event.status.status, event.status.timestamp);
}

void CsmsOcpiEvents::on_transaction(const csms::TransactionChanged& event) {
  const auto& t = event.transaction;
  const auto cpo = cpo_of(t.backend);
  if (!cpo) return;
  const auto kind = event.change == csms::TransactionChange::Started   ? ocpi::TransactionEvent::started
                    : event.change == csms::TransactionChange::Updated ? ocpi::TransactionEvent::updated
                                                                       : ocpi::TransactionEvent::ended;
  feed_.on_transaction(*cpo, t.identity, t.transaction_id, kind);
}

void CsmsOcpiPort::start_session(std::int64_t cpo_id, const std::string& identity, int evse_id,
                                 const std::string& id_token, ocpi::CallDone done) {
  server_.remote_start(std::to_string(cpo_id), identity, evse_id, id_token, adapt(std::move(done)));
}

void CsmsOcpiPort::stop_session(std::int64_t cpo_id, const std::string& identity, const std::string& transaction_id,
                                ocpi::CallDone done) {
  server_.remote_stop(std::to_string(cpo_id), identity, transaction_id, adapt(std::move(done)));
}

void CsmsOcpiPort::unlock_connector(std::int64_t cpo_id, const std::string& identity, int evse_id,
                                    ocpi::CallDone done) {
  server_.unlock_connector(std::to_string(cpo_id), identity, evse_id, 1, adapt(std::move(done)));
}

void CsmsOcpiPort::reserve_now(std::int64_t cpo_id, const std::string& identity, int evse_id,
                               std::int64_t reservation_id, const std::string& expiry, const std::string& id_token,
                               ocpi::CallDone done) {
  server_.reserve_now(std::to_string(cpo_id), identity, evse_id, reservation_id, expiry, id_token,
                      adapt(std::move(done)));
}

void CsmsOcpiPort::cancel_reservation(std::int64_t cpo_id, const std::string& identity, std::int64_t reservation_id,
                                      ocpi::CallDone done) {
  server_.cancel_reservation(std::to_string(cpo_id), identity, reservation_id, adapt(std::move(done)));
}

} // namespace ocppfleet::app
