package dev.penstock.engine.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.penstock.model.InvalidParameterException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronScheduleTest {
  private static final Instant NEW_YEAR = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void the_next_firing_is_strictly_after_the_given_time_in_utc() {
    var quarterly = CronSchedule.parse("*/15 * * * *");

    assertThat(quarterly.nextAfter(NEW_YEAR)).isEqualTo("2026-01-01T00:15:00Z");
    assertThat(quarterly.nextAfter(Instant.parse("2026-01-01T00:14:59.999Z")))
        .isEqualTo("2026-01-01T00:15:00Z");
    assertThat(CronSchedule.parse("30 2 * * MON-FRI").nextAfter(NEW_YEAR))
        .isEqualTo("2026-01-01T02:30:00Z");
    assertThat(CronSchedule.parse("0 9 1 JAN *").nextAfter(Instant.parse("2026-01-01T09:00:00Z")))
        .isEqualTo("2027-01-01T09:00:00Z");
  }

  @Test
  void surrounding_blanks_are_dropped_from_the_expression() {
    assertThat(CronSchedule.parse("  0 * * * * ").expression()).isEqualTo("0 * * * *");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "61 * * * *   | cron '61 * * * *': minute field: value 61 out of range 0-59",
        "0 24 * * *   | cron '0 24 * * *': hour field: value 24 out of range 0-23",
        "0 0 32 * *   | cron '0 0 32 * *': day-of-month field: value 32 out of range 1-31",
        "0 0 1 13 *   | cron '0 0 1 13 *': month field: value 13 out of range 1-12",
        "0 0 * * 8    | cron '0 0 * * 8': day-of-week field: value 8 out of range 0-7",
        "*/0 * * * *  | cron '*/0 * * * *': minute field: period 0 out of range 0-59",
        "0 x * * *    | cron '0 x * * *': hour field: 'x' is not a number, name (JAN, MON),"
            + " range, list or step",
        "0 5-1 * * *  | cron '0 5-1 * * *': hour field: range '5-1' runs backwards",
        "0 0 * *      | cron '0 0 * *': expected five fields (minute hour day-of-month month"
            + " day-of-week), not 4",
        "0 0 31 2 *   | cron '0 0 31 2 *': never fires (no such date)",
      })
  void a_bad_expression_is_refused_naming_the_field_at_fault(String expression, String message) {
    assertThatThrownBy(() -> CronSchedule.parse(expression))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage(message);
  }

  @Test
  void an_empty_expression_is_refused_pointing_at_unset() {
    assertThatThrownBy(() -> CronSchedule.parse(""))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith("cron '': expected five fields")
        .hasMessageContaining("unsetPipelineRefreshSchedule");
  }
}
