package io.logmeter.local;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for servers that bind a while after the port is chosen: a child process still starting, a
 * relay bound again after a simulated outage. The kernel's answer to "port 0" lies in its
 * ephemeral range, which it also hands to outgoing connections; a connection opened between the
 * choice and the bind can take the port, and the bind fails ("Address already in use": a service
 * process that bound its port once its JVM had started died of it). These ports are drawn below
 * that range instead, where only an explicit bind can take one.
 */
public final class FreePorts {

  private static final int LOWEST = 10_000;
  private static final int EPHEMERAL_DEFAULT_LOW = 32_768;
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

  private FreePorts() {
  }

  /** A port nothing listens on now, outside the kernel's ephemeral range when that can be read. */
  public static int next() {
    int below = ephemeralLow();
    if (below - LOWEST < 1_000) {
      return anyFree();
    }
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
      if (bindable(port)) {
        return port;
      }
    }
    return anyFree();
  }

  /**
   * The lowest ephemeral port: Linux's setting, else Linux's default, 32768 (below the 49152 of
   * IANA's range and macOS's). Read through a buffer: the kernel answered no read of this file
   * after a first one of a single byte, which saw only the "3" of "32768".
   */
  static int ephemeralLow() {
    try {
      return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return EPHEMERAL_DEFAULT_LOW;
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket probe = new ServerSocket(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int anyFree() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }
}
