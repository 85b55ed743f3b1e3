package dev.penstock.api;

import dev.penstock.model.PenstockException;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/** The server cannot listen where it was told to: the port is taken, the host is not this one. */
public final class ListenException extends PenstockException {
  private ListenException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Binds a socket of our own to the address and lets it go, so that an address that cannot be had
   * is told in one line: Javalin logs a failed bind with a long stack trace.
   */
  static void probe(String host, int port) {
    try (var probe = new ServerSocket()) {
      probe.setReuseAddress(true); // as Jetty binds, so a port in TIME_WAIT is not refused
      probe.bind(new InetSocketAddress(InetAddress.getByName(host), port));
    } catch (IOException e) {
      throw of(host, port, e);
    }
  }

  /** The failure to listen on host:port, with its root cause in plain words. */
  static ListenException of(String host, int port, Exception error) {
    Throwable root = error;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String reason =
        root instanceof UnknownHostException
            ? "no such host"
            : root instanceof BindException && port != 0
                ? root.getMessage() + " (is another server using port " + port + "?)"
                : String.valueOf(root.getMessage());
    return new ListenException("cannot listen on " + host + ":" + port + ": " + reason, error);
  }
}
