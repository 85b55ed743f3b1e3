package dev.penstock.web.compare;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of two texts (java-diff-utils' Myers diff), as lines a page colours by kind.
 * Stateless and thread-safe.
 */
public final class CodeDiff {
  /** Lines of unchanged text kept around each change. */
  static final int CONTEXT = 3;

  /** Past this many lines a diff is cut, with a last line saying so. */
  static final int MAX_LINES = 2_000;

  private CodeDiff() {}

  /** One line of a diff; {@code kind} is "hunk", "added", "removed" or "same". */
  public record Line(String kind, String text) {}

  /** The changes from {@code before} to {@code after}; empty when they are equal. */
  public static List<Line> unified(String before, String after) {
    List<String> original = lines(before);
    List<String> revised = lines(after);
    if (original.equals(revised)) {
      return List.of();
    }
    List<String> unified =
        UnifiedDiffUtils.generateUnifiedDiff(
            "a", "b", original, DiffUtils.diff(original, revised), CONTEXT);
    var result = new ArrayList<Line>();
    for (String line : unified.subList(Math.min(2, unified.size()), unified.size())) {
      if (result.size() == MAX_LINES) {
        result.add(new Line("hunk", "… the diff goes on for more lines than are shown here"));
        break;
      }
      result.add(lineOf(line));
    }
    return result;
  }

  private static Line lineOf(String line) {
    if (line.startsWith("@@")) {
      return new Line("hunk", line);
    }
    String text = line.isEmpty() ? "" : line.substring(1);
    return switch (line.isEmpty() ? ' ' : line.charAt(0)) {
      case '+' -> new Line("added", text);
      case '-' -> new Line("removed", text);
      default -> new Line("same", text);
    };
  }

  private static List<String> lines(String text) {
    return text == null || text.isEmpty() ? List.of() : List.of(text.split("\r?\n", -1));
  }
}
