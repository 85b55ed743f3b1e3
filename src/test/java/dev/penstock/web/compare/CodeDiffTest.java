package dev.penstock.web.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.web.compare.CodeDiff.Line;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The unified diff the compare page shows when a step's code changed between two runs. */
class CodeDiffTest {

  @Test
  void equal_texts_have_no_diff() {
    assertThat(CodeDiff.unified("def f():\n    return 1\n", "def f():\n    return 1\n")).isEmpty();
    assertThat(CodeDiff.unified(null, "")).isEmpty();
  }

  @Test
  void a_changed_line_is_removed_then_added_between_its_unchanged_neighbours() {
    String before = "import os\n\ndef f(x):\n    return x + 1\n";
    String after = "import os\n\ndef f(x):\n    return x + 2\n";

    assertThat(CodeDiff.unified(before, after))
        .containsExactly(
            new Line("hunk", "@@ -1,5 +1,5 @@"),
            new Line("same", "import os"),
            new Line("same", ""),
            new Line("same", "def f(x):"),
            new Line("removed", "    return x + 1"),
            new Line("added", "    return x + 2"),
            new Line("same", ""));
  }

  @Test
  void far_apart_changes_make_separate_hunks_with_three_lines_of_context() {
    String before = numbered(30, -1);
    String after = numbered(30, 2).replace("line 25\n", "line twenty-five\n");

    var diff = CodeDiff.unified(before, after);

    assertThat(diff.stream().filter(line -> line.kind().equals("hunk")).count()).isEqualTo(2);
    // two lines before line 2 (all there are) and three after it; three each side of line 25
    assertThat(diff.stream().filter(line -> line.kind().equals("same")).count()).isEqualTo(11);
    assertThat(diff)
        .contains(
            new Line("removed", "line 2"),
            new Line("added", "line 2!"),
            new Line("removed", "line 25"),
            new Line("added", "line twenty-five"));
  }

  @Test
  void an_enormous_diff_is_cut_with_a_note() {
    var diff = CodeDiff.unified(numbered(3000, -1), "");

    assertThat(diff).hasSize(CodeDiff.MAX_LINES + 1);
    assertThat(diff.getLast().text()).contains("more lines than are shown");
  }

  private static String numbered(int count, int changed) {
    return IntStream.range(0, count)
        .mapToObj(i -> "line " + i + (i == changed ? "!" : ""))
        .collect(Collectors.joining("\n", "", "\n"));
  }
}
