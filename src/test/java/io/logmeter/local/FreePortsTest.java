package io.logmeter.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ports chosen for a later bind lie where outgoing connections never get theirs, so no connection
 * opened meanwhile can take one (the race that killed a service process on "Address already in
 * use").
 */
class FreePortsTest {

  @Test
  void drawnPortsLieBelowThePortsOutgoingConnectionsGet() throws Exception {
    List<Socket> connections = new ArrayList<>();
    try (ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress())) {
      for (int i = 0; i < 100; i++) {
        connections.add(new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()));
      }
      int lowestOutgoing = connections.stream().mapToInt(Socket::getLocalPort).min().orElseThrow();
      assertThat(lowestOutgoing).as("outgoing connections' ports").isGreaterThanOrEqualTo(FreePorts.ephemeralLow());
      for (int i = 0; i < 100; i++) {
        assertThat(FreePorts.next()).isBetween(10_000, FreePorts.ephemeralLow() - 1);
      }
    } finally {
      for (Socket connection : connections) {
        connection.close();
      }
    }
  }

  @Test
  void aDrawnPortIsFreeToBind() throws Exception {
    int port = FreePorts.next();
    try (ServerSocket server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
      assertThat(server.getLocalPort()).isEqualTo(port);
    }
  }
}
