package dev.penstock.app;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The server's data directory: created on first start, locked while a server uses it. Its {@code
 * server/} directory (see {@link DataLayout}) holds what no step may reach: the database, the admin
 * key, the run-key secret. Not thread-safe; used while the server starts and stops.
 */
final class DataDir implements AutoCloseable {
  private final Path root;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private DataDir(Path root, FileChannel lockChannel, FileLock lock) {
    this.root = root;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Creates the directory if needed, locks it, and moves an old layout's files into {@code
   * server/}; fails when another server holds the lock.
   */
  static DataDir open(Path root) {
    try {
      DataLayout.createPrivate(root);
      Path lockFile = root.resolve("server.lock");
      if (!Files.exists(lockFile)) {
        Files.createFile(lockFile, DataLayout.PRIVATE_FILE);
      }
      var channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        throw new ConfigException(
            "another Penstock server is using the data directory " + root.toAbsolutePath());
      }
      var dataDir = new DataDir(root, channel, lock);
      try {
        DataLayout.migrate(root);
      } catch (IOException | RuntimeException e) {
        dataDir.close();
        throw e;
      }
      return dataDir;
    } catch (IOException e) {
      throw new ConfigException(
          "cannot use the data directory " + root.toAbsolutePath() + ": " + e.getMessage());
    }
  }

  Path root() {
    return root;
  }

  /**
   * Sets the modes of {@link DataLayout#secure}; with {@code embeddedDatabase}, creates the
   * database file first, private.
   */
  void secure(boolean stepsRunAsAnotherUser, boolean embeddedDatabase) {
    try {
      if (embeddedDatabase) {
        DataLayout.createDatabase(root);
      }
      DataLayout.secure(root, stepsRunAsAnotherUser);
    } catch (IOException e) {
      throw new ConfigException("cannot set the modes of " + root.toAbsolutePath() + ": " + e);
    }
  }

  /** The secret that signs run keys, made on first start and kept private to the server's user. */
  byte[] runKeySecret() {
    Path file = DataLayout.serverDir(root).resolve("run-key-secret");
    try {
      if (!Files.exists(file)) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        writePrivate(file, HexFormat.of().formatHex(secret));
      }
      return HexFormat.of().parseHex(Files.readString(file, StandardCharsets.US_ASCII).trim());
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("cannot read or create " + file + ": " + e.getMessage());
    }
  }

  /** Writes the admin key where its owner can read it (mode 0600). */
  Path writeAdminKey(String key) {
    Path file = DataLayout.serverDir(root).resolve("admin-api-key");
    try {
      writePrivate(file, key + "\n");
      return file;
    } catch (IOException e) {
      throw new ConfigException("cannot write " + file + ": " + e.getMessage());
    }
  }

  private static void writePrivate(Path file, String content) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(temp);
    Files.createFile(temp, DataLayout.PRIVATE_FILE);
    Files.writeString(temp, content, StandardCharsets.US_ASCII);
    Files.move(
        temp,
        file,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void close() {
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException ignored) {
      // the lock dies with the process anyway
    }
  }
}
