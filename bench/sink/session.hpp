#pragma once
// One accepted TCP connection: HTTP upgrade, then read CALL -> write CALLRESULT, forever.
// Callback style on a strand, so thousands of connections share a few threads.
#include <boost/asio/ip/tcp.hpp>

#include "bench/sink/replies.hpp"
#include "bench/sink/stats.hpp"

namespace ocppfleet::bench {

// State shared by all sessions; must outlive the io_context that runs them.
struct SinkContext {
  Stats stats;
  ReplyConfig replies;
};

// Takes ownership of `socket` (whose executor should be a strand) and runs it to completion.
void start_session(boost::asio::ip::tcp::socket socket, SinkContext& context);

} // namespace ocppfleet::bench
