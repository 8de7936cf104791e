#pragma once
// One WebSocket connection attempt and its life (Beast style: do_* starts an operation,
// on_* completes it; one read and one write in flight). Owned by a Link; async
// operations keep it alive through shared_from_this, so a Link can drop it at any time.
#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <string>

#include "simulator/transport/link_error.hpp"

namespace ocppfleet::transport {

class Link;
struct LinkConfig;

class SessionBase {
public:
  virtual ~SessionBase() = default;
  virtual void run() = 0;                   // resolve, connect, TLS, upgrade, then read loop
  virtual bool send(std::string frame) = 0; // false when closing or the queue is full
  virtual void ping() = 0;
  virtual void close_graceful() = 0;        // close handshake; reports Stopped
  virtual void abort(LinkError reason) = 0; // close the socket now; reports `reason`
  void detach() noexcept { link_ = nullptr; }

protected:
  explicit SessionBase(Link* link) : link_(link) {}
  Link* link_;
};

std::shared_ptr<SessionBase> make_session(boost::asio::any_io_executor executor, Link& link,
                                          std::shared_ptr<const LinkConfig> config, std::string target);

} // namespace ocppfleet::transport
