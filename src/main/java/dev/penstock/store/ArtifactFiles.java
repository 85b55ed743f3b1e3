package dev.penstock.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Where the bytes of artifacts live, each named by its run and a path within the run: the server's
 * data directory by default, an S3-compatible object store when one is configured. A file is kept
 * before the completion that records it commits, so whatever a reader finds recorded is whole; what
 * was kept for an attempt that never committed is never read, and goes with its run.
 * Implementations are thread-safe.
 */
public interface ArtifactFiles {

  /**
   * Keeps {@code local}, a whole file under the run's directory of the data directory, as the
   * artifact at {@code path} of run {@code runId}.
   */
  void keep(String runId, String path, Path local) throws IOException;

  /** The artifact's bytes; a NoSuchFileException when it is gone. */
  InputStream open(String runId, String path) throws IOException;

  /** Deletes every artifact of the run (retention); what is already gone is no error. */
  void deleteRun(String runId) throws IOException;

  /** Where the artifacts are, for the server's startup line and errors. */
  String describe();
}
