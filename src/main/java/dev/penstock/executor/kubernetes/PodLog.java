package dev.penstock.executor.kubernetes;

import dev.penstock.executor.local.CappedLog;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a step pod's log into the attempt's log as the pod writes it, so that it outlives the pod
 * and the UI shows it live. The log is read with timestamps; a stream that breaks is opened again
 * from the last line's second (Kubernetes' {@code sinceTime} counts whole seconds) and the lines
 * already copied are skipped by their timestamps, so nothing is copied twice. Where it stands is
 * kept beside the log ({@code <log>.k8s}) so that a restarted server goes on where it was. The copy
 * ends after the pod has ended ({@link #finish}) and one last read found nothing more: the step's
 * end is told by the pod's status, never by the end of its log. Thread-safe.
 */
final class PodLog {
  private static final Logger log = LoggerFactory.getLogger(PodLog.class);
  private static final long RECONNECT_MILLIS = 500;

  /** Where the copy stands: the last line's timestamp and how many lines had it. */
  record Position(Instant last, int linesAtLast) {
    static final Position START = new Position(null, 0);

    String write() {
      return last == null ? "" : last + " " + linesAtLast;
    }

    static Position read(Path file) {
      try {
        String[] parts = Files.readString(file).trim().split(" ");
        return new Position(Instant.parse(parts[0]), Integer.parseInt(parts[1]));
      } catch (IOException | RuntimeException e) {
        return START;
      }
    }
  }

  /** Opens one read of the log, following it when {@code follow}, from {@code sinceTime}. */
  interface Source {
    /** Writes the log to {@code sink} until the stream ends; throws when it cannot be read. */
    void read(String sinceTime, boolean follow, OutputStream sink) throws Exception;
  }

  /** The log of a pod's step container, read through the fabric8 client. */
  static Source reading(KubernetesClient client, String namespace, String podName) {
    return (sinceTime, follow, sink) -> {
      var timestamped =
          client
              .pods()
              .inNamespace(namespace)
              .withName(podName)
              .inContainer(JobNames.CONTAINER)
              .usingTimestamps();
      var reader = sinceTime == null ? timestamped : timestamped.sinceTime(sinceTime);
      if (!follow) {
        sink.write(reader.getLog().getBytes(StandardCharsets.UTF_8));
        return;
      }
      try (var watch = reader.watchLog(sink)) {
        Throwable error = watch.onClose().toCompletableFuture().get();
        if (error != null) {
          throw new IOException("the log stream broke", error);
        }
      }
    };
  }

  private final Source source;
  private final CappedLog target;
  private final Path positionFile;
  private final String name;
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private final LineSink sink = new LineSink();
  private volatile boolean finishing;
  private volatile boolean closed;
  private Thread thread;

  PodLog(Source source, CappedLog target, Path logFile, String name) {
    this.source = source;
    this.target = target;
    this.positionFile = logFile.resolveSibling(logFile.getFileName() + ".k8s");
    this.name = name;
    Position position = Position.read(positionFile);
    sink.last = position.last();
    sink.linesAtLast = position.linesAtLast();
  }

  /** Starts copying, once the pod has a log to read. Idempotent. */
  synchronized void start() {
    if (thread == null && !closed) {
      thread = Thread.ofVirtual().name("pod-log-" + name).start(this::copy);
    }
  }

  /**
   * The pod has ended: the copy ends with what its log still holds. Completes when it has, or after
   * {@code timeoutMillis}.
   */
  void finish(long timeoutMillis) {
    finishing = true;
    synchronized (this) {
      if (thread == null) {
        thread = Thread.ofVirtual().name("pod-log-" + name).start(this::copy);
      }
    }
    try {
      drained.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("The log of pod {} was not read to its end: {}", name, e.toString());
    }
  }

  /** Stops copying at once (the attempt was stopped). */
  void close() {
    closed = true;
    Thread running;
    synchronized (this) {
      running = thread;
    }
    if (running != null) {
      running.interrupt();
    }
    drained.complete(null);
  }

  private void copy() {
    try {
      while (!closed) {
        boolean last = finishing; // read once more after the pod ended, not following
        try {
          sink.rewind();
          source.read(sinceTime(), !last, sink);
          sink.flushPartial(last);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          if (closed) {
            return;
          }
          log.debug("Reading the log of pod {} failed: {}", name, e.toString());
          if (last) {
            return;
          }
        }
        if (last) {
          return;
        }
        Thread.sleep(RECONNECT_MILLIS);
      }
    } catch (InterruptedException e) {
      // closed
    } finally {
      drained.complete(null);
    }
  }

  private String sinceTime() {
    Instant last = sink.last;
    return last == null ? null : last.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** Splits "timestamp text" lines, skips those copied before, appends the rest. */
  private final class LineSink extends OutputStream {
    private byte[] line = new byte[8192];
    private int length;
    volatile Instant last;
    volatile int linesAtLast;
    private int toSkip;
    private boolean replaying;
    private Instant savedLast;
    private int savedLines;

    /** A new read repeats the lines of the last second: skip as many as were copied. */
    void rewind() {
      length = 0;
      toSkip = linesAtLast;
      replaying = true;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int count) throws IOException {
      for (int i = offset; i < offset + count; i++) {
        if (length == line.length) {
          line = Arrays.copyOf(line, line.length * 2);
        }
        line[length++] = bytes[i];
        if (bytes[i] == '\n') {
          take();
        }
      }
      savePosition(false);
    }

    /** A read ended inside a line: at the very end it is the last line, else it comes again. */
    void flushPartial(boolean end) throws IOException {
      if (end && length > 0) {
        write(new byte[] {'\n'}, 0, 1);
      }
      length = 0;
      savePosition(true);
    }

    private void take() throws IOException {
      int space = indexOf(' ');
      Instant stamp = null;
      if (space > 0) {
        try {
          stamp = Instant.parse(new String(line, 0, space, StandardCharsets.US_ASCII));
        } catch (DateTimeParseException e) {
          stamp = null;
        }
      }
      int start = stamp == null ? 0 : space + 1;
      // Lines already copied come again only at the start of a read that follows another; once
      // past them, every line is new, even one stamped before the last (stdout and stderr are
      // stamped apart, so their lines may arrive out of order).
      boolean copy = true;
      if (replaying && stamp != null && last != null) {
        if (stamp.isBefore(last)) {
          copy = false;
        } else if (stamp.equals(last) && toSkip > 0) {
          toSkip--;
          copy = false;
        } else {
          replaying = false;
        }
      }
      if (copy && stamp != null) {
        if (last == null || stamp.isAfter(last)) {
          last = stamp;
          linesAtLast = 1;
        } else if (stamp.equals(last)) {
          linesAtLast++;
        }
      }
      if (copy) {
        target.write(line, start, length - start);
      }
      length = 0;
    }

    private int indexOf(char c) {
      for (int i = 0; i < Math.min(length, 64); i++) {
        if (line[i] == c) {
          return i;
        }
      }
      return -1;
    }

    /**
     * Keeps where the copy stands after each chunk that moved it ({@code always}: even if not), so
     * that a server killed between the two writes copies a chunk again at most.
     */
    private void savePosition(boolean always) {
      if (!always && last == savedLast && linesAtLast == savedLines) {
        return;
      }
      savedLast = last;
      savedLines = linesAtLast;
      try {
        Path partial = positionFile.resolveSibling(positionFile.getFileName() + ".tmp");
        Files.writeString(partial, new Position(last, linesAtLast).write());
        Files.move(partial, positionFile, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        // a restart then copies the log again from the start: duplicates, not losses
      }
    }
  }
}
