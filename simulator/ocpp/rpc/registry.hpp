#pragma once
// One immutable action -> handler table per protocol version, shared by every charger
// of that version (no per-charger std::function tables). Handlers are plain function
// pointers taking the adapter as context.
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

#include "simulator/ocpp/rpc/error_code.hpp"
#include "simulator/ocpp/rpc/frame.hpp"
#include "simulator/ocpp/rpc/payload.hpp"

namespace ocppfleet::rpc {

// What a handler answers: a CALLRESULT payload or a CALLERROR.
struct HandlerError {
  ErrorCode code;
  std::string description;
};
using HandlerOutcome = std::variant<Json, HandlerError>;

template <class Context> class ActionRegistry {
public:
  using Handler = HandlerOutcome (*)(Context&, const Json& payload);

  ActionRegistry& add(std::string action, Handler handler) {
    table_.emplace(std::move(action), handler);
    return *this;
  }

  [[nodiscard]] Handler find(std::string_view action) const {
    const auto it = table_.find(std::string{action});
    return it == table_.end() ? nullptr : it->second;
  }

  // Runs the handler for `call`; unknown action -> NotImplemented; PayloadError ->
  // its code; any other exception -> InternalError. Never throws.
  HandlerOutcome dispatch(Context& ctx, const Call& call) const noexcept {
    const Handler h = find(call.action);
    if (h == nullptr) return HandlerError{ErrorCode::NotImplemented, "Unknown action: " + call.action};
    try {
      require_object(call.payload);
      return h(ctx, call.payload);
    } catch (const PayloadError& e) {
      return HandlerError{e.code(), e.description()};
    } catch (const std::exception& e) {
      return HandlerError{ErrorCode::InternalError, e.what()};
    } catch (...) {
      return HandlerError{ErrorCode::InternalError, "unexpected error"};
    }
  }

  [[nodiscard]] std::size_t size() const noexcept { return table_.size(); }

private:
  std::unordered_map<std::string, Handler> table_;
};

} // namespace ocppfleet::rpc
