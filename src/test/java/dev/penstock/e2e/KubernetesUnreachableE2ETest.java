package dev.penstock.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.penstock.app.ConfigKey;
import dev.penstock.testing.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server told to run steps on a Kubernetes cluster it cannot reach does not start: it says which
 * API it tried, and gives back what it took, so that a server starts on the same data directory at
 * once. The "cluster" is a loopback port nothing listens on.
 */
class KubernetesUnreachableE2ETest {
  @TempDir Path dataDir;

  @Test
  void a_cluster_out_of_reach_stops_the_start_and_says_where_it_looked() throws Exception {
    int port = closedPort();
    var properties =
        Map.of(
            "kubernetes.master", "http://127.0.0.1:" + port,
            "kubernetes.namespace", "penstock-test",
            "kubernetes.auth.tryKubeConfig", "false",
            "kubernetes.auth.tryServiceAccount", "false",
            "kubernetes.request.retry.backoffLimit", "0");
    properties.forEach(System::setProperty);
    try {
      assertThatThrownBy(
              () -> TestServer.startOn(dataDir, Map.of(ConfigKey.EXECUTOR, "kubernetes")))
          .hasMessageContaining("cannot list Jobs in namespace penstock-test")
          .hasMessageContaining("127.0.0.1:" + port);
    } finally {
      properties.keySet().forEach(System::clearProperty);
    }
    try (TestServer local = TestServer.startOn(dataDir, Map.of())) {
      assertThat(local.client().call("listPipelines").isArray()).isTrue();
    }
  }

  private static int closedPort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
