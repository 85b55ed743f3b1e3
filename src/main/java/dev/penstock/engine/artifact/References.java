package dev.penstock.engine.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.penstock.model.Artifact;
import dev.penstock.model.VariableType;
import java.util.Locale;
import java.util.Optional;

/**
 * The JSON that stands for a stored value wherever values are JSON: an output's value, a pipeline
 * variable, a bound input. It names the artifact ({@code penstockArtifact}: its id) with what a
 * reader wants to see (kind, format, size, the producing step, a preview). Only the server writes
 * one from what it kept; a step that returns look-alike JSON reaches at most an artifact of its own
 * run, since a reference is resolved within the run that binds it. Thread-safe: stateless.
 */
public final class References {
  public static final String ID = "penstockArtifact";

  private References() {}

  public static boolean isReference(JsonNode value) {
    return value != null && value.isObject() && value.path(ID).isTextual();
  }

  public static String artifactId(JsonNode reference) {
    return reference.path(ID).asText();
  }

  /** The reference to {@code artifact}, made by {@code stepName}. */
  static ObjectNode of(Artifact artifact, String stepName, String pythonType, String jsonType) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put(ID, artifact.id());
    node.put("name", artifact.name());
    node.put("kind", artifact.kind().name());
    node.put("format", artifact.format());
    node.put("contentType", artifact.contentType());
    node.put("size", artifact.size());
    node.put("step", stepName);
    if (pythonType != null) {
      node.put("pythonType", pythonType);
    }
    if (jsonType != null) {
      node.put("jsonType", jsonType);
    }
    if (artifact.preview() != null) {
      node.set("preview", artifact.preview());
    }
    return node;
  }

  public static Optional<Artifact.Kind> kind(JsonNode reference) {
    try {
      return Optional.of(
          Artifact.Kind.valueOf(reference.path("kind").asText().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException unknown) {
      return Optional.empty();
    }
  }

  /** Whether the stored value may be the value of an output, or an argument, of {@code type}. */
  public static boolean matches(JsonNode reference, VariableType type) {
    if (type == VariableType.ANY) {
      return true;
    }
    return switch (kind(reference).orElse(Artifact.Kind.OBJECT)) {
      case TABLE ->
          type == VariableType.DATASET_ID
              || type == VariableType.FEATURE_GROUP_ID
              || type == VariableType.FEATURE_GROUP;
      case BYTES -> type == VariableType.ATTACHMENT;
      case FILE -> type == VariableType.ATTACHMENT || type == VariableType.STRING;
      case JSON -> jsonMatches(reference.path("jsonType").asText(), type);
      case OBJECT -> false;
    };
  }

  private static boolean jsonMatches(String jsonType, VariableType type) {
    return switch (type) {
      case JSON -> jsonType.equals("object") || jsonType.equals("array");
      case LIST -> jsonType.equals("array");
      case INTEGER, FLOAT -> jsonType.equals("number");
      case BOOLEAN -> jsonType.equals("boolean");
      default -> jsonType.equals("string");
    };
  }

  /** How the stored value reads in an error message: its Python type, as stored. */
  public static String describe(JsonNode reference) {
    String pythonType = reference.path("pythonType").asText("");
    String kind = reference.path("kind").asText("").toLowerCase(Locale.ROOT);
    return pythonType.isEmpty() ? "a stored " + kind : "a stored " + kind + " (" + pythonType + ")";
  }
}
