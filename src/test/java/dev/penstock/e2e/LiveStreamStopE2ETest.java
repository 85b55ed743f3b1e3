package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.penstock.testing.SignedInHttp;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A server stopped while browsers follow a run and a step's log: the streams end first, and nothing
 * of them runs on after. A stream that outlived its exchange once sent Javalin's error handling
 * round a loop that wrote gigabytes of log lines and starved everything else.
 */
class LiveStreamStopE2ETest {

  @Test
  void live_streams_end_before_the_server_stops_and_nothing_of_them_runs_on() throws Exception {
    var root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    var appender = new ListAppender<ILoggingEvent>();
    appender.start();
    root.addAppender(appender);
    try {
      List<CompletableFuture<Long>> streams;
      try (var server = TestServer.start()) {
        var client = server.client();
        String pipelineId = Steps.createPipeline(client, Steps.uniqueName("followed"));
        StepRequest.named("slow")
            .source(
                "import time\n\ndef slow():\n    print('started', flush=True)\n    time.sleep(60)\n")
            .function("slow")
            .addTo(client, pipelineId);
        String versionId = Steps.run(client, pipelineId, List.of());
        String stepId =
            Steps.stepVersion(
                    client.call("describePipelineVersion", params("pipelineVersion", versionId)),
                    "slow")
                .path("pipelineStepVersion")
                .asText();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    Steps.stepVersion(
                            client.call(
                                "describePipelineVersion", params("pipelineVersion", versionId)),
                            "slow")
                        .path("status")
                        .asText()
                        .equals("RUNNING"));
        var browser = SignedInHttp.signIn(server.url(), TestServer.ADMIN_KEY);
        streams =
            List.of(
                drain(browser.stream("/runs/" + versionId + "/events")),
                drain(browser.stream("/runs/" + versionId + "/steps/" + stepId + "/log/stream")));
        Thread.sleep(1_000); // both streams past their first event, in their loops
      }
      for (var stream : streams) {
        assertThat(stream.get(10, TimeUnit.SECONDS)).as("bytes the stream sent").isPositive();
      }
      Thread.sleep(1_500); // longer than either stream's poll: a stream left running would act
      root.detachAppender(appender);
      assertThat(List.copyOf(appender.list))
          .extracting(ILoggingEvent::getFormattedMessage)
          .noneMatch(message -> message.contains("Exception handler"))
          .noneMatch(message -> message.contains("Uncaught exception"));
    } finally {
      root.detachAppender(appender);
    }
  }

  /** Reads a stream to its end on another thread; completes with how many bytes came. */
  private static CompletableFuture<Long> drain(HttpResponse<InputStream> response) {
    assertThat(response.statusCode()).isEqualTo(200);
    return CompletableFuture.supplyAsync(
        () -> {
          long count = 0;
          byte[] buffer = new byte[8192];
          try (InputStream body = response.body()) {
            for (int read; (read = body.read(buffer)) >= 0; ) {
              count += read;
            }
          } catch (IOException e) {
            // A reset at the stop ends the stream all the same.
          }
          return count;
        });
  }
}
