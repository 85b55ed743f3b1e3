package dev.penstock.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The reader the metrics tests trust: it takes the format and refuses what breaks it. */
class PrometheusTextTest {
  private static final String GOOD =
      """
      # HELP a_seconds How long.
      # TYPE a_seconds histogram
      a_seconds_bucket{kind="x",le="0.1"} 1
      a_seconds_bucket{kind="x",le="+Inf"} 3
      a_seconds_count{kind="x"} 3
      a_seconds_sum{kind="x"} 1.5
      # TYPE b gauge
      b{path="C:\\\\dir \\"q\\"\\n",} NaN
      b 2.5e-3 1700000000000
      """;

  @Test
  void reads_the_format_with_histograms_escapes_and_go_floats() {
    var text = PrometheusText.parse(GOOD);

    assertThat(text.type("a_seconds")).isEqualTo("histogram");
    assertThat(text.value("a_seconds_count", "kind", "x")).isEqualTo(3);
    assertThat(text.value("b", "path", "C:\\dir \"q\"\n")).isNaN();
    assertThat(text.samples("b").get(1).value()).isEqualTo(0.0025);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "# TYPE a gauge\n1a 1\n", // a bad name
        "a 1\n# TYPE a gauge\n", // a sample before its TYPE
        "# TYPE a gauge\n# TYPE a gauge\n", // TYPE twice
        "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x=\"1\"} 2\n", // a family split
        "# TYPE a gauge\na 1\na 2\n", // a series twice
        "# TYPE a gauge\na Infinity\n", // Java's infinity, not Go's
        "# TYPE a gauge\na{x=\"\\t\"} 1\n", // an escape the format lacks
        "# TYPE a gauge\na{x=\"1\" y=\"2\"} 1\n", // labels without a comma
        "# TYPE a gauge\na{x=\"1\"\n", // a line cut short
        "# TYPE a gauge\na 1", // no final line feed
        "# TYPE a_seconds histogram\na_seconds_bucket{le=\"1\"} 2\n"
            + "a_seconds_bucket{le=\"+Inf\"} 1\na_seconds_count 1\na_seconds_sum 1\n",
        "# TYPE a_seconds histogram\na_seconds_bucket{le=\"+Inf\"} 2\n"
            + "a_seconds_count 3\na_seconds_sum 1\n",
      })
  void refuses_what_breaks_the_format(String text) {
    assertThatThrownBy(() -> PrometheusText.parse(text))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
