package dev.penstock.executor.python;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A step's packageRequirements in one spelling, so that equal sets share one environment: each
 * specifier trimmed, its distribution name lower-cased with runs of "-", "_" and "." made one "-"
 * (PEP 503), the set sorted and without duplicates. Thread-safe: immutable.
 */
public record RequirementSet(List<String> requirements) {
  private static final Pattern NAME =
      Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]*)(.*)", Pattern.DOTALL);
  private static final Pattern SEPARATORS = Pattern.compile("[-_.]+");
  private static final int KEY_HEX_DIGITS = 24;

  /**
   * Normalises {@code specifiers} (null means none). Throws IllegalArgumentException for an entry
   * that is not a requirement specifier, such as a pip option.
   */
  public static RequirementSet of(List<String> specifiers) {
    var normalised = new TreeSet<String>();
    for (String specifier : specifiers == null ? List.<String>of() : specifiers) {
      String trimmed = specifier == null ? "" : specifier.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      Matcher matcher = NAME.matcher(trimmed);
      if (!matcher.matches()) {
        throw new IllegalArgumentException(
            "'" + trimmed + "' is not a pip requirement specifier such as 'pandas>=2'");
      }
      String name = SEPARATORS.matcher(matcher.group(1)).replaceAll("-").toLowerCase(Locale.ROOT);
      normalised.add(name + matcher.group(2).strip());
    }
    return new RequirementSet(List.copyOf(normalised));
  }

  boolean isEmpty() {
    return requirements.isEmpty();
  }

  /** The environment's directory name: a hash of the set and of the interpreter it is for. */
  String key(String interpreter) {
    try {
      var digest = MessageDigest.getInstance("SHA-256");
      digest.update(interpreter.getBytes(StandardCharsets.UTF_8));
      for (String requirement : requirements) {
        digest.update((byte) '\n');
        digest.update(requirement.getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(digest.digest()).substring(0, KEY_HEX_DIGITS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return String.join(", ", requirements);
  }
}
