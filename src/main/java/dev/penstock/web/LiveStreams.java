package dev.penstock.web;

import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The pages' live streams (Server-Sent Events) open now. The server's stop ends them and waits for
 * them before the HTTP server goes: a stream that returned after Jetty had recycled its exchange
 * sent Javalin's error handling round in a loop that logged without end. Thread-safe.
 */
public final class LiveStreams {
  private static final Duration POLL = Duration.ofMillis(20);

  private final AtomicInteger open = new AtomicInteger();
  private volatile boolean stopping;

  /** Answers {@code ctx} with a stream that {@code stream} writes until it returns. */
  public void serve(Context ctx, Consumer<SseClient> stream) throws Exception {
    new SseHandler(
            client -> {
              open.incrementAndGet();
              try {
                if (!stopping) {
                  stream.accept(client);
                }
              } finally {
                open.decrementAndGet();
              }
            })
        .handle(ctx);
  }

  /** Whether a stream should end: its browser left, or the server is stopping. */
  public boolean over(SseClient client) {
    return stopping || client.terminated();
  }

  /**
   * Ends every stream: each returns at its next look at {@link #over}; waits up to {@code wait}.
   */
  void stop(Duration wait) {
    stopping = true;
    long deadline = System.nanoTime() + wait.toNanos();
    while (open.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** How many streams are open. */
  int open() {
    return open.get();
  }
}
