package dev.penstock.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4 (prometheus.io/docs/instrumenting/
 * exposition_formats): every line a HELP, a TYPE or a sample; names and label names by the format's
 * grammar, label values with its three escapes, values as Go floats; a TYPE before its family's
 * first sample and never twice; each family's samples together; no series twice; each histogram's
 * buckets cumulative, ending at +Inf with its count. Any breach throws, naming the line.
 * Thread-safe once read.
 */
public final class PrometheusText {
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES =
      Set.of("counter", "gauge", "histogram", "summary", "untyped");

  /** One sample line: its name, its labels (sorted by name) and its value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples = new ArrayList<>();
  private final Map<String, String> types = new HashMap<>();

  private PrometheusText() {}

  /** Reads {@code text}; throws IllegalArgumentException at the first line out of the format. */
  public static PrometheusText parse(String text) {
    var parsed = new PrometheusText();
    parsed.read(text);
    parsed.checkHistograms();
    return parsed;
  }

  /** The declared type of the family {@code name}, or null. */
  public String type(String name) {
    return types.get(name);
  }

  /** Every sample named {@code name}. */
  public List<Sample> samples(String name) {
    return samples.stream().filter(sample -> sample.name().equals(name)).toList();
  }

  /**
   * The value of the one sample named {@code name} whose labels include {@code labels} (name,
   * value, name, value, ...); throws if there is none or more than one.
   */
  public double value(String name, String... labels) {
    var wanted = new HashMap<String, String>();
    for (int i = 0; i < labels.length; i += 2) {
      wanted.put(labels[i], labels[i + 1]);
    }
    var matching =
        samples(name).stream()
            .filter(sample -> sample.labels().entrySet().containsAll(wanted.entrySet()))
            .toList();
    if (matching.size() != 1) {
      throw new AssertionError(
          matching.size() + " samples of " + name + " with " + wanted + ": " + samples(name));
    }
    return matching.get(0).value();
  }

  private void read(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the text does not end with a line feed");
    }
    Set<String> closedFamilies = new HashSet<>();
    Set<String> series = new HashSet<>();
    String currentFamily = null;
    String[] lines = text.split("\n", -1);
    for (int number = 1; number < lines.length; number++) {
      String line = lines[number - 1];
      String where = "line " + number + " '" + line + "'";
      if (line.isEmpty()) {
        continue;
      }
      String family;
      if (line.startsWith("#")) {
        String[] parts = line.split(" ", 4);
        if (parts.length < 3 || !(parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
          continue; // a plain comment
        }
        family = name(parts[2], where);
        if (parts[1].equals("TYPE")) {
          if (parts.length != 4 || !TYPES.contains(parts[3])) {
            throw new IllegalArgumentException(where + ": not a known type");
          }
          if (types.put(family, parts[3]) != null || closedFamilies.contains(family)) {
            throw new IllegalArgumentException(where + ": a second TYPE, or one after samples");
          }
        }
      } else {
        Sample sample;
        try {
          sample = sample(line, where);
        } catch (IndexOutOfBoundsException truncated) {
          throw new IllegalArgumentException(where + ": the line ends too soon");
        }
        family = familyOf(sample.name());
        if (types.get(family) == null) {
          throw new IllegalArgumentException(where + ": a sample before its family's TYPE");
        }
        if (!series.add(sample.name() + sample.labels())) {
          throw new IllegalArgumentException(where + ": the same series twice");
        }
        samples.add(sample);
      }
      if (!family.equals(currentFamily)) {
        if (closedFamilies.contains(family)) {
          throw new IllegalArgumentException(where + ": family " + family + " is not together");
        }
        if (currentFamily != null) {
          closedFamilies.add(currentFamily);
        }
        currentFamily = family;
      }
    }
  }

  /** The family a sample belongs to: a histogram's or summary's suffixes are its own. */
  private String familyOf(String name) {
    for (String suffix : List.of("_bucket", "_sum", "_count")) {
      if (name.endsWith(suffix)) {
        String base = name.substring(0, name.length() - suffix.length());
        String type = types.get(base);
        if ("histogram".equals(type) || ("summary".equals(type) && !suffix.equals("_bucket"))) {
          return base;
        }
      }
    }
    return name;
  }

  private static Sample sample(String line, String where) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = name(line.substring(0, i), where);
    var labels = new TreeMap<String, String>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int equals = line.indexOf('=', i);
        if (equals < 0) {
          throw new IllegalArgumentException(where + ": a label without a value");
        }
        String label = line.substring(i, equals);
        if (!LABEL_NAME.matcher(label).matches() || line.charAt(equals + 1) != '"') {
          throw new IllegalArgumentException(where + ": a bad label " + label);
        }
        var value = new StringBuilder();
        int j = equals + 2;
        for (; line.charAt(j) != '"'; j++) {
          char c = line.charAt(j);
          if (c == '\\') {
            char escaped = line.charAt(++j);
            value.append(
                switch (escaped) {
                  case '\\' -> '\\';
                  case '"' -> '"';
                  case 'n' -> '\n';
                  default ->
                      throw new IllegalArgumentException(where + ": a bad escape \\" + escaped);
                });
          } else {
            value.append(c);
          }
        }
        if (labels.put(label, value.toString()) != null) {
          throw new IllegalArgumentException(where + ": label " + label + " twice");
        }
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        } else if (line.charAt(i) != '}') {
          throw new IllegalArgumentException(where + ": labels not separated by a comma");
        }
      }
      i++;
    }
    if (i >= line.length() || line.charAt(i) != ' ') {
      throw new IllegalArgumentException(where + ": no space before the value");
    }
    String[] rest = line.substring(i + 1).split(" ");
    if (rest.length > 2) {
      throw new IllegalArgumentException(where + ": more than a value and a timestamp");
    }
    if (rest.length == 2) {
      Long.parseLong(rest[1]);
    }
    return new Sample(name, labels, number(rest[0], where));
  }

  private static String name(String name, String where) {
    if (!METRIC_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(where + ": a bad metric name '" + name + "'");
    }
    return name;
  }

  private static double number(String text, String where) {
    return switch (text) {
      case "NaN" -> Double.NaN;
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> {
        try {
          if (text.contains("Infinity") || text.contains("NaN")) {
            throw new NumberFormatException(text); // Java's spellings are not Go's
          }
          yield Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(where + ": a bad value '" + text + "'");
        }
      }
    };
  }

  /** Buckets cumulative in le order, the last +Inf, equal to _count; _sum present. */
  private void checkHistograms() {
    for (var family : types.entrySet()) {
      if (!family.getValue().equals("histogram")) {
        continue;
      }
      String name = family.getKey();
      Map<Map<String, String>, List<Sample>> bySeries = new LinkedHashMap<>();
      for (Sample bucket : samples(name + "_bucket")) {
        var series = new TreeMap<>(bucket.labels());
        if (series.remove("le") == null) {
          throw new IllegalArgumentException(name + ": a bucket without le");
        }
        bySeries.computeIfAbsent(series, key -> new ArrayList<>()).add(bucket);
      }
      for (var entry : bySeries.entrySet()) {
        List<Sample> buckets = entry.getValue();
        double previousLe = Double.NEGATIVE_INFINITY;
        double previousCount = 0;
        for (Sample bucket : buckets) {
          double le = number(bucket.labels().get("le"), name + entry.getKey());
          if (le <= previousLe || bucket.value() < previousCount) {
            throw new IllegalArgumentException(name + entry.getKey() + ": buckets out of order");
          }
          previousLe = le;
          previousCount = bucket.value();
        }
        if (previousLe != Double.POSITIVE_INFINITY) {
          throw new IllegalArgumentException(name + entry.getKey() + ": no +Inf bucket");
        }
        double count = valueOf(name + "_count", entry.getKey());
        valueOf(name + "_sum", entry.getKey());
        if (count != previousCount) {
          throw new IllegalArgumentException(name + entry.getKey() + ": +Inf is not the count");
        }
      }
    }
  }

  private double valueOf(String name, Map<String, String> labels) {
    return samples(name).stream()
        .filter(sample -> sample.labels().equals(labels))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no " + name + " for " + labels))
        .value();
  }
}
