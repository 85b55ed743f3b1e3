package dev.penstock.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.testing.TestServer;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A failure no request caused answers 500 InternalServerError in the envelope, with a request id in
 * the body and the x-request-id header that the server's log repeats beside the cause. The fault is
 * a real one: the database loses a table under the running server.
 */
class InternalErrorE2ETest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void a_500_carries_a_request_id_that_the_log_repeats() throws Exception {
    var log = (Logger) LoggerFactory.getLogger("dev.penstock.api");
    var appender = new ListAppender<ILoggingEvent>();
    appender.start();
    log.addAppender(appender);
    try (var server = TestServer.start();
        var database =
            DriverManager.getConnection(
                "jdbc:sqlite:" + server.dataDir().resolve("server/penstock.db"))) {
      try (var statement = database.createStatement()) {
        statement.execute("ALTER TABLE python_module RENAME TO python_module_gone");
      }
      var response = server.client().raw("GET", "listModules", "application/json", "");

      assertThat(response.statusCode()).isEqualTo(500);
      JsonNode body = JSON.readTree(response.body());
      assertThat(body.path("success").asBoolean()).isFalse();
      assertThat(body.path("errorType").asText()).isEqualTo("InternalServerError");
      String requestId = body.path("requestId").asText();
      assertThat(requestId)
          .isNotBlank()
          .isEqualTo(response.headers().firstValue("x-request-id").orElseThrow());
      assertThat(appender.list)
          .anySatisfy(
              event -> {
                assertThat(event.getFormattedMessage()).contains(requestId);
                assertThat(event.getThrowableProxy().getMessage()).contains("python_module");
              });
      try (var statement = database.createStatement()) {
        statement.execute("ALTER TABLE python_module_gone RENAME TO python_module");
      }
      assertThat(server.client().raw("GET", "listModules", "application/json", "").statusCode())
          .isEqualTo(200);
    } finally {
      log.detachAppender(appender);
    }
  }
}
