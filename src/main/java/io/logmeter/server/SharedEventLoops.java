package io.logmeter.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.vertx.core.impl.transports.NioTransport;
import io.vertx.core.impl.transports.TransportInternal;
import io.vertx.core.transport.Transport;
import java.util.concurrent.ThreadFactory;

/**
 * Vert.x's NIO transport, with its event loops built as a plain {@link NioEventLoopGroup}. The AWS
 * SDK's Netty client recognises that type (not Netty 4.2's generic group), so it can run its I/O on
 * Vert.x's event loops instead of a second set of threads.
 */
final class SharedEventLoops extends NioTransport {

  static Transport transport() {
    return new TransportInternal("nio", true, null, new SharedEventLoops());
  }

  @Override
  @SuppressWarnings("deprecation")
  public EventLoopGroup eventLoopGroup(int type, int threads, ThreadFactory threadFactory, int ioRatio) {
    return new NioEventLoopGroup(threads, threadFactory);
  }
}
