package dev.penstock.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A stored API key: its kind, and for a run key the run it belongs to. */
public record ApiKey(Kind kind, String pipelineVersionId) {

  /** The form keys are stored and looked up in: SHA-256, hex. */
  public static String hashOf(String key) {
    try {
      var digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException("SHA-256 is part of every JDK", impossible);
    }
  }

  public enum Kind {
    ADMIN,
    RUN
  }
}
