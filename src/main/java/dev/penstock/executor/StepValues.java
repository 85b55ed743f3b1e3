package dev.penstock.executor;

import dev.penstock.model.OutputMapping;
import java.util.List;
import java.util.Map;

/**
 * How an attempt's values travel beside its JSON kwargs and result: the declared {@code outputs} (a
 * value that is a DataFrame, bytes, a file, a pickled object for an ANY output, or JSON over {@code
 * inlineBytes}, is stored by reference, each at most {@code maxArtifactBytes}); {@code inputs}, by
 * argument name, the stored values the step receives back as their Python types, each a file
 * already in its working directory. {@link #NONE} passes everything as JSON, as before artifacts
 * existed.
 */
public record StepValues(
    List<OutputMapping> outputs,
    Map<String, Input> inputs,
    long inlineBytes,
    long maxArtifactBytes) {

  public static final StepValues NONE = new StepValues(null, Map.of(), 0, 0);

  public StepValues {
    outputs = outputs == null ? null : List.copyOf(outputs);
    inputs = Map.copyOf(inputs);
  }

  /**
   * One stored value given to an argument: {@code file} relative to the working directory, in
   * {@code format} (parquet, pickle, json, bytes, file); {@code name} and {@code producer} (the
   * step that made it) say which in an error.
   */
  public record Input(String file, String format, String name, String producer) {}
}
