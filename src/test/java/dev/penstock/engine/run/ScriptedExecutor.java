package dev.penstock.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.executor.StepExecutor;
import dev.penstock.executor.StepHandle;
import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.StepOutcome;
import dev.penstock.model.FailureCause;
import dev.penstock.model.LogChunk;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A StepExecutor whose steps end when the test says; it runs no process. Thread-safe. */
public final class ScriptedExecutor implements StepExecutor {

  /** One launched attempt: what the engine asked for, and the switch that ends it. */
  public record Launched(StepLaunch launch, CompletableFuture<StepOutcome> outcome) {
    void succeed(JsonNode returned) {
      outcome.complete(StepOutcome.success(returned, 0));
    }
  }

  private final LinkedBlockingQueue<Launched> launches = new LinkedBlockingQueue<>();

  @Override
  public StepHandle launch(StepLaunch launch) {
    var outcome = new CompletableFuture<StepOutcome>();
    long launchedNanos = System.nanoTime();
    launches.add(new Launched(launch, outcome));
    return new StepHandle() {
      @Override
      public CompletableFuture<StepOutcome> outcome() {
        return outcome;
      }

      @Override
      public CompletableFuture<Long> started() {
        return CompletableFuture.completedFuture(launchedNanos); // it runs nothing: at launch
      }

      @Override
      public void stop(FailureCause cause, String error) {
        outcome.complete(StepOutcome.failure(cause, error, null));
      }

      @Override
      public long pid() {
        return -1;
      }
    };
  }

  @Override
  public String readLog(Path logFile) {
    return "";
  }

  @Override
  public LogChunk readLog(Path logFile, long from, int maxBytes) {
    return LogChunk.EMPTY;
  }

  /** The next launch, waiting up to ten seconds for it. */
  public Launched next() throws InterruptedException {
    Launched launched = launches.poll(10, TimeUnit.SECONDS);
    assertThat(launched).as("a step was launched").isNotNull();
    return launched;
  }

  /** Fails if anything else was launched within a short while. */
  public void assertNoMoreLaunches() throws InterruptedException {
    assertThat(launches.poll(300, TimeUnit.MILLISECONDS)).as("no further launch").isNull();
  }
}
