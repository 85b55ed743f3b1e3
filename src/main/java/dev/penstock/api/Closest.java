package dev.penstock.api;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/** Finds the known name a mistyped one was probably meant to be. Thread-safe: stateless. */
final class Closest {
  private Closest() {}

  /**
   * The candidate nearest to {@code typed}: one that differs only in case or underscores, else the
   * one fewest edits away if that is close enough to be a typo rather than another word. Ties go to
   * the alphabetically first, so the answer never depends on a set's order.
   */
  static Optional<String> to(String typed, Collection<String> candidates) {
    String folded = fold(typed);
    int tolerated = Math.max(2, folded.length() / 4);
    // Case and underscores count for nothing first (variabletype is variableType's typo), then
    // as typed, so that variabletype gets variableType rather than variable_type.
    return candidates.stream()
        .map(c -> new Scored(c, distance(folded, fold(c)), distance(typed, c)))
        .min(
            Comparator.comparingInt(Scored::folded)
                .thenComparingInt(Scored::raw)
                .thenComparing(Scored::candidate))
        .filter(best -> best.folded() <= tolerated)
        .map(Scored::candidate);
  }

  private record Scored(String candidate, int folded, int raw) {}

  private static String fold(String name) {
    return name.replace("_", "").toLowerCase(Locale.ROOT);
  }

  /** Levenshtein distance, two rows at a time. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
