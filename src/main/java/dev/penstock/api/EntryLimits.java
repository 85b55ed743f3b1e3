package dev.penstock.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.model.InputMapping;
import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.OutputMapping;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Set;

/**
 * The {@link Limits} on names, text and values, applied to one parameter at a time as it enters.
 * Messages name the parameter and the limit, never echo a value that may be megabytes long.
 * Thread-safe.
 */
final class EntryLimits {
  private final Limits limits;
  private final ObjectMapper json = new ObjectMapper();

  EntryLimits(Limits limits) {
    this.limits = limits;
  }

  /**
   * A name or id: at most the name-length limit and no control characters, which would break logs,
   * file names and Python (a NUL fails every run of a step with "embedded null byte").
   */
  String name(String label, String text) {
    if (text.length() > limits.maxNameLength()) {
      throw new InvalidParameterException(
          "%s is %,d characters long; the limit is %d (max-name-length)"
              .formatted(label, text.length(), limits.maxNameLength()));
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        throw new InvalidParameterException(
            "%s holds the control character U+%04X at position %d; names cannot hold control characters"
                .formatted(label, (int) c, i));
      }
    }
    return text;
  }

  /** Free text may hold newlines and tabs, but not a NUL, which neither Python nor SQL takes. */
  String text(String label, String text) {
    int nul = text.indexOf('\0');
    if (nul >= 0) {
      throw new InvalidParameterException(
          "%s holds a NUL character (U+0000) at position %d".formatted(label, nul));
    }
    return text;
  }

  /**
   * Every key of every mapping dict is one the SDK's classes have, in either casing: a misspelt key
   * would otherwise be dropped silently and the mapping mean something else.
   */
  void mappingKeys(String parameter, JsonNode list, Set<String> known) {
    if (!list.isArray()) {
      return; // Mappings says what is wrong with it
    }
    int index = 0;
    for (JsonNode item : list) {
      if (item.isObject()) {
        for (var names = item.fieldNames(); names.hasNext(); ) {
          String key = names.next();
          if (!known.contains(key)) {
            throw new InvalidParameterException(
                "unknown key '%s' in %s[%d]%s"
                    .formatted(
                        key,
                        parameter,
                        index,
                        Closest.to(key, known)
                            .map(closest -> "; did you mean '" + closest + "'?")
                            .orElse("; a mapping takes " + String.join(", ", sorted(known)))));
          }
        }
      }
      index++;
    }
  }

  List<InputMapping> arguments(String parameter, List<InputMapping> inputs) {
    for (int i = 0; i < inputs.size(); i++) {
      InputMapping input = inputs.get(i);
      String label = parameter + "[" + i + "]";
      if (input.name() != null) {
        name(label + ".name", input.name());
      }
      if (input.pipelineVariable() != null) {
        name(label + ".pipelineVariable", input.pipelineVariable());
      }
      if (input.value() != null) {
        long size = encodedSize(input.value());
        if (size > limits.maxValueBytes()) {
          throw new InvalidParameterException(
              "%s ('%s'): the value is more than %,d bytes of JSON; the limit is %,d bytes (max-value-size)"
                  .formatted(label, input.name(), limits.maxValueBytes(), limits.maxValueBytes()));
        }
      }
    }
    return inputs;
  }

  List<OutputMapping> outputs(String parameter, List<OutputMapping> outputs) {
    for (int i = 0; i < outputs.size(); i++) {
      if (outputs.get(i).name() != null) {
        name(parameter + "[" + i + "].name", outputs.get(i).name());
      }
    }
    return outputs;
  }

  /** The value's size as JSON, counting no further than just past the limit. */
  private long encodedSize(JsonNode value) {
    var counter = new CountingStream(limits.maxValueBytes());
    try {
      json.writeValue(counter, value);
    } catch (IOException e) {
      if (!counter.over()) {
        throw new IllegalStateException("a parsed value could not be written again as JSON", e);
      }
    }
    return counter.count;
  }

  private static List<String> sorted(Set<String> names) {
    return names.stream().sorted().toList();
  }

  /** Counts bytes and gives up once past {@code limit}, so a huge value is not written whole. */
  private static final class CountingStream extends OutputStream {
    private final long limit;
    private long count;

    CountingStream(long limit) {
      this.limit = limit;
    }

    boolean over() {
      return count > limit;
    }

    @Override
    public void write(int b) throws IOException {
      add(1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      add(length);
    }

    private void add(long bytes) throws IOException {
      count += bytes;
      if (count > limit) {
        throw new IOException("past the limit");
      }
    }
  }
}
