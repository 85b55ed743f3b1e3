package dev.penstock.app;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The server's data directory: created on first start, locked while a server uses it, and holding
 * the files a server keeps besides its database (the admin key, the run-key secret). Not
 * thread-safe; used while the server starts and stops.
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

  /** Creates the directory if needed and locks it; fails when another server holds the lock. */
  static DataDir open(Path root) {
    try {
      Files.createDirectories(root);
      var channel =
          FileChannel.open(
              root.resolve("server.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        throw new ConfigException(
            "another Penstock server is using the data directory " + root.toAbsolutePath());
      }
      return new DataDir(root, channel, lock);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot use the data directory " + root.toAbsolutePath() + ": " + e.getMessage());
    }
  }

  Path root() {
    return root;
  }

  /** The secret that signs run keys, made on first start and kept private to the server's user. */
  byte[] runKeySecret() {
    Path file = root.resolve("run-key-secret");
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
    Path file = root.resolve("admin-api-key");
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
    Files.createFile(
        temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
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
