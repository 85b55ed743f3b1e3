package dev.penstock.executor.kubernetes;

import java.util.Locale;
import java.util.Map;

/**
 * The names and labels of an attempt's Kubernetes objects. The name is a function of the step
 * version and the attempt alone, both in the store before the Job is created, so a restarted server
 * finds the Job of an attempt it was running and never creates a second. Thread-safe: stateless.
 */
final class JobNames {
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  static final String PENSTOCK = "penstock";
  static final String STEP_VERSION = "penstock.dev/step-version";
  static final String ATTEMPT = "penstock.dev/attempt";
  static final String RUN = "penstock.dev/pipeline-version";
  static final String PIPELINE = "penstock.dev/pipeline";
  static final String STEP = "penstock.dev/step";
  static final String JOB = "penstock.dev/job";
  static final String CONTAINER = "step";

  private static final int MAX_NAME = 63; // a label value, as the Job's name becomes on its pod

  private JobNames() {}

  /** The Job's name, which its Secret shares: penstock-step-version-id-a3, lowercased. */
  static String jobName(String stepVersionId, int attempt) {
    String suffix = "-a" + attempt;
    String id = stepVersionId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    String name = "penstock-" + id;
    if (name.length() + suffix.length() > MAX_NAME) {
      name = name.substring(0, MAX_NAME - suffix.length());
    }
    return name.replaceAll("-+$", "") + suffix;
  }

  /**
   * The labels of the Job, its pod and its Secret. Label values are at most 63 characters of
   * [A-Za-z0-9._-]; a name that is not is cut and cleaned, the ids being the exact ones.
   */
  static Map<String, String> labels(
      String jobName,
      String pipelineId,
      String runId,
      String stepName,
      String stepVersionId,
      int attempt) {
    return Map.of(
        MANAGED_BY, PENSTOCK,
        JOB, jobName,
        PIPELINE, labelValue(pipelineId),
        RUN, labelValue(runId),
        STEP, labelValue(stepName),
        STEP_VERSION, labelValue(stepVersionId),
        ATTEMPT, Integer.toString(attempt));
  }

  static String labelValue(String text) {
    if (text == null) {
      return "";
    }
    String clean = text.replaceAll("[^A-Za-z0-9._-]", "_");
    if (clean.length() > MAX_NAME) {
      clean = clean.substring(0, MAX_NAME);
    }
    return clean.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
  }
}
