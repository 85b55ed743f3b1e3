package dev.penstock.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes tiny pure-Python wheels, so that pip can install them from a local directory ({@code
 * PIP_FIND_LINKS}) and tests need no network. A wheel is a zip of the package, its METADATA, WHEEL
 * and a RECORD of hashes.
 */
public final class TestWheels {
  private TestWheels() {}

  /** Writes {@code penstock-testpkg}-style wheel whose module sets VERSION; returns its path. */
  public static Path write(Path directory, String name, String version) throws IOException {
    return write(directory, name, version, "VERSION = '" + version + "'\n");
  }

  /** A wheel whose package's {@code __init__.py} is {@code source}. */
  public static Path write(Path directory, String name, String version, String source)
      throws IOException {
    String module = name.replace('-', '_');
    String info = module + "-" + version + ".dist-info/";
    var files = new LinkedHashMap<String, String>();
    files.put(module + "/__init__.py", source);
    files.put(
        info + "METADATA", "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n");
    files.put(
        info + "WHEEL",
        "Wheel-Version: 1.0\nGenerator: penstock-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n");
    var record = new StringBuilder();
    files.forEach(
        (path, text) -> {
          byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
          record.append(path).append(",sha256=").append(hash(bytes)).append(',');
          record.append(bytes.length).append('\n');
        });
    record.append(info).append("RECORD,,\n");
    files.put(info + "RECORD", record.toString());
    Files.createDirectories(directory);
    Path wheel = directory.resolve(module + "-" + version + "-py3-none-any.whl");
    try (OutputStream out = Files.newOutputStream(wheel);
        var zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, String> file : files.entrySet()) {
        zip.putNextEntry(new ZipEntry(file.getKey()));
        zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return wheel;
  }

  /** pip's settings for installing only from {@code directory}, ignoring this machine's config. */
  public static Map<String, String> pipSettings(Path directory) {
    return Map.of(
        "PIP_FIND_LINKS", directory.toString(),
        "PIP_NO_INDEX", "1",
        "PIP_CONFIG_FILE", "/dev/null",
        "PIP_DISABLE_PIP_VERSION_CHECK", "1");
  }

  private static String hash(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
