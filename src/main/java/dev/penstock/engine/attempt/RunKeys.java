package dev.penstock.engine.attempt;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * API keys that live as long as one run: {@code run-<version>-<mac>}, where the MAC is an HMAC of
 * the version id under the server's secret. Deriving rather than storing them lets a restarted
 * server hand the same key to a rerun attempt without ever writing a usable key to the database.
 * Whether the run is still open is for the caller to check. Thread-safe.
 */
public final class RunKeys {
  private static final String PREFIX = "run-";
  // Keyed once; each use takes a clone, cheaper than looking up and keying a Mac per step.
  private final Mac keyed;

  public RunKeys(byte[] secret) {
    try {
      keyed = Mac.getInstance("HmacSHA256");
      keyed.init(new SecretKeySpec(secret, "HmacSHA256"));
    } catch (GeneralSecurityException impossible) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", impossible);
    }
  }

  public String keyFor(String pipelineVersionId) {
    return PREFIX + pipelineVersionId + "-" + mac(pipelineVersionId);
  }

  /** The run a key belongs to, if the key is a genuine run key. */
  public Optional<String> runOf(String key) {
    if (key == null || !key.startsWith(PREFIX)) {
      return Optional.empty();
    }
    int dash = key.lastIndexOf('-');
    if (dash <= PREFIX.length()) {
      return Optional.empty();
    }
    String versionId = key.substring(PREFIX.length(), dash);
    byte[] expected = mac(versionId).getBytes(StandardCharsets.US_ASCII);
    byte[] given = key.substring(dash + 1).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, given) ? Optional.of(versionId) : Optional.empty();
  }

  /**
   * The token of one attempt of one step, with which a step running elsewhere (in a pod) sends its
   * result back: good for that attempt alone, and never a key the API takes.
   */
  public String attemptToken(String stepVersionId, int attempt) {
    return mac("attempt/" + stepVersionId + "/" + attempt);
  }

  /** Whether {@code token} is the attempt's own. */
  public boolean isAttemptToken(String token, String stepVersionId, int attempt) {
    return token != null
        && MessageDigest.isEqual(
            attemptToken(stepVersionId, attempt).getBytes(StandardCharsets.US_ASCII),
            token.getBytes(StandardCharsets.US_ASCII));
  }

  private String mac(String versionId) {
    try {
      var mac = (Mac) keyed.clone();
      return HexFormat.of().formatHex(mac.doFinal(versionId.getBytes(StandardCharsets.UTF_8)));
    } catch (CloneNotSupportedException impossible) {
      throw new IllegalStateException("the JDK's HmacSHA256 can be cloned", impossible);
    }
  }
}
