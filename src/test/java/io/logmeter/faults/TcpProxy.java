package io.logmeter.faults;

import io.logmeter.local.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on loopback between the service and one emulator, which a test can cut: new
 * connections are refused and open ones reset, as when the network to a dependency fails, while the
 * emulator and its data stay as they were. Used for SQS: ElasticMQ keeps its queues only in memory,
 * so stopping it would lose them; publishers keep sending to it directly meanwhile, as SNS would.
 */
final class TcpProxy implements AutoCloseable {

  private final int targetPort;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private ServerSocket listener;

  TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.port = FreePorts.next();
    restore();
  }

  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** Refuses new connections and resets the open ones. */
  synchronized void cut() throws IOException {
    if (listener != null) {
      listener.close();
      listener = null;
    }
    for (Socket socket : open) {
      closeQuietly(socket);
    }
    open.clear();
  }

  /** Accepts and relays again. */
  synchronized void restore() throws IOException {
    if (listener != null) {
      return;
    }
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    listener = server;
    daemon("proxy-accept-" + port, () -> accept(server));
  }

  private void accept(ServerSocket server) {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.add(client);
        try {
          Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
          open.add(upstream);
          daemon("proxy-up", () -> pump(client, upstream));
          daemon("proxy-down", () -> pump(upstream, client));
        } catch (IOException e) {
          closeQuietly(client);
          open.remove(client);
        }
        if (server.isClosed()) {
          // Accepted while being cut: this one is cut too.
          open.forEach(TcpProxy::closeQuietly);
        }
      } catch (IOException e) {
        // The listener was closed by cut().
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // One side closed or was reset: close both below.
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private static void daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Already closed.
    }
  }

  @Override
  public void close() throws IOException {
    cut();
  }
}
