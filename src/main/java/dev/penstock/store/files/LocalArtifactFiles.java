package dev.penstock.store.files;

import dev.penstock.store.ArtifactFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Function;

/**
 * Artifacts in the data directory, where the executor left them: keeping one is checking it is
 * there, and retention deletes them with the run's directory. Thread-safe: stateless.
 */
public final class LocalArtifactFiles implements ArtifactFiles {
  private final Function<String, Path> runDirs;

  /**
   * @param runDirs the directory of a run, by its id
   */
  public LocalArtifactFiles(Function<String, Path> runDirs) {
    this.runDirs = runDirs;
  }

  /** Checks it is there, and forces it to disk, so a committed row never names a lost file. */
  @Override
  public void keep(String runId, String path, Path local) throws IOException {
    if (!Files.isRegularFile(local, LinkOption.NOFOLLOW_LINKS)
        || !local.toAbsolutePath().normalize().equals(file(runId, path))) {
      throw new IOException("the artifact " + path + " is not where it was left: " + local);
    }
    try (var channel =
        FileChannel.open(local, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      channel.force(true);
    }
  }

  @Override
  public InputStream open(String runId, String path) throws IOException {
    Path file = file(runId, path);
    // No link anywhere on the way: the real path is the path, inside the run's directory.
    if (!file.startsWith(runDirs.apply(runId).toAbsolutePath().normalize())
        || !file.toRealPath().equals(file)) {
      throw new IOException("the artifact path " + path + " does not stay in its run's directory");
    }
    return Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public void deleteRun(String runId) {
    // The run's directory holds them: whoever deletes it deletes them.
  }

  @Override
  public String describe() {
    return "the data directory";
  }

  private Path file(String runId, String path) {
    return runDirs.apply(runId).resolve(path).toAbsolutePath().normalize();
  }
}
