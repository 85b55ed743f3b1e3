package dev.penstock.engine.definition;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.penstock.model.InvalidParameterException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A standard five-field UNIX cron expression (minute, hour, day of month, month, day of week),
 * evaluated in UTC. Parsing refuses what cron-utils refuses, naming the field at fault, and
 * expressions that never fire (such as 31 February). Immutable and thread-safe.
 */
public final class CronSchedule {
  private static final CronDefinition UNIX =
      CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX);
  private static final List<String> FIELDS =
      List.of("minute", "hour", "day-of-month", "month", "day-of-week");
  private static final Pattern LIBRARY_PREFIX =
      Pattern.compile("^Failed to parse cron expression\\.\\s*");
  private static final Pattern OUT_OF_RANGE =
      Pattern.compile("(Value|Period) (\\S+) not in range \\[(\\d+), (\\d+)\\]");

  private final String expression;
  private final ExecutionTime executionTime;

  private CronSchedule(String expression, ExecutionTime executionTime) {
    this.expression = expression;
    this.executionTime = executionTime;
  }

  /**
   * Parses {@code expression}; InvalidParameterException, whose message quotes the expression and
   * names the field at fault, when it is not a cron expression that fires.
   */
  public static CronSchedule parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw invalid(
          expression,
          "expected five fields (%s); to remove a schedule, call unsetPipelineRefreshSchedule"
              .formatted(String.join(" ", FIELDS)));
    }
    String[] fields = expression.trim().split("\\s+");
    if (fields.length != FIELDS.size()) {
      throw invalid(
          expression,
          "expected five fields (%s), not %d".formatted(String.join(" ", FIELDS), fields.length));
    }
    Cron cron;
    try {
      cron = parser().parse(expression.trim()).validate();
    } catch (IllegalArgumentException whole) {
      throw invalid(expression, fault(fields, whole));
    }
    var executionTime = ExecutionTime.forCron(cron);
    var schedule = new CronSchedule(expression.trim(), executionTime);
    if (schedule.nextAfter(Instant.EPOCH) == null) {
      throw invalid(expression, "never fires (no such date)");
    }
    return schedule;
  }

  /** The expression as given, without surrounding blanks. */
  public String expression() {
    return expression;
  }

  /** The first firing strictly after {@code time}, or null when there is none. */
  public Instant nextAfter(Instant time) {
    return executionTime
        .nextExecution(time.atZone(ZoneOffset.UTC))
        .map(ZonedDateTime::toInstant)
        .orElse(null);
  }

  /**
   * cron-utils names no field in its errors, so each field is parsed alone, with {@code *} in the
   * others, and the first one refused is named with the library's reason for refusing it.
   */
  private static String fault(String[] fields, IllegalArgumentException whole) {
    for (int index = 0; index < fields.length; index++) {
      String[] probe = {"*", "*", "*", "*", "*"};
      probe[index] = fields[index];
      try {
        parser().parse(String.join(" ", probe)).validate();
      } catch (IllegalArgumentException refused) {
        return FIELDS.get(index) + " field: " + plain(refused.getMessage(), fields[index]);
      }
    }
    return plain(whole.getMessage(), null);
  }

  /** The library's reason in our words: "Value 61 not in range [0, 59]" → "value 61 ...". */
  private static String plain(String message, String field) {
    String text = LIBRARY_PREFIX.matcher(message == null ? "" : message).replaceFirst("");
    var range = OUT_OF_RANGE.matcher(text);
    if (range.find()) {
      return "%s %s out of range %s-%s"
          .formatted(
              range.group(1).toLowerCase(Locale.ROOT),
              range.group(2),
              range.group(3),
              range.group(4));
    }
    if (field != null && text.startsWith("Invalid chars")) {
      return "'" + field + "' is not a number, name (JAN, MON), range, list or step";
    }
    if (field != null && text.startsWith("Invalid range")) {
      return "range '" + field + "' runs backwards";
    }
    return text.isEmpty() ? "not a cron expression" : text;
  }

  private static InvalidParameterException invalid(String expression, String why) {
    return new InvalidParameterException("cron '" + expression + "': " + why);
  }

  // A parser per call: cron-utils does not promise that CronParser is thread-safe.
  private static CronParser parser() {
    return new CronParser(UNIX);
  }

  @Override
  public String toString() {
    return expression;
  }
}
