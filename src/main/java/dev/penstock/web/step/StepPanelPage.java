package dev.penstock.web.step;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.engine.artifact.References;
import dev.penstock.model.InputMapping;
import dev.penstock.model.MissingParameterException;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.OutputMapping;
import dev.penstock.model.Pipeline;
import dev.penstock.model.StepAttempt;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import dev.penstock.web.Formats;
import dev.penstock.web.Guard;
import dev.penstock.web.Page;
import dev.penstock.web.Templates;
import dev.penstock.web.ValueText;
import dev.penstock.web.WebUi;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The step panel ({@code /runs/{versionId}/steps/{stepVersionId}}): the run page loads it beside
 * its graph with htmx, and it stands alone as a page of its own otherwise. Values are previews,
 * each with a link that loads the whole value ({@code .../value}). Thread-safe.
 */
final class StepPanelPage {
  static final int PREVIEW_CHARS = 600;

  private final WebUi.Services services;
  private final Templates templates;

  StepPanelPage(WebUi.Services services, Templates templates) {
    this.services = services;
    this.templates = templates;
  }

  void show(Context ctx) {
    StepVersion step = stepOfRun(services, ctx);
    String tab = ctx.queryParam("tab");
    var panel =
        new StepPanel(
            services
                .pipelines()
                .findPipeline(step.pipelineId())
                .map(Pipeline::name)
                .orElse(step.pipelineId()),
            step,
            tab != null && StepPanel.TABS.containsKey(tab) ? tab : "log",
            inputs(step),
            outputs(step),
            StepArtifacts.of(services.artifacts(), step),
            attempts(step),
            logView(step, ctx.queryParam("attempt")),
            services.clock().instant());
    boolean fragment = ctx.header("HX-Request") != null;
    templates.render(
        ctx,
        fragment ? "step-panel.jte" : "step-panel-page.jte",
        Map.of(
            "page",
            new Page(step.stepName() + " · step", Guard.session(ctx), "pipelines"),
            "panel",
            panel));
  }

  /** The whole of one input or output value, indented, as escaped HTML. */
  void value(Context ctx) {
    StepVersion step = stepOfRun(services, ctx);
    String name = ctx.queryParam("name");
    if (name == null) {
      throw new MissingParameterException("Name the value to show: ?io=input|output&name=<name>.");
    }
    boolean output = "output".equals(ctx.queryParam("io"));
    JsonNode value =
        (output ? outputValue(step, name) : inputValue(step, name))
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "The step " + step.stepName() + " has no value named " + name));
    templates.render(
        ctx,
        ctx.header("HX-Request") != null ? "value.jte" : "value-page.jte",
        Map.of(
            "page",
            new Page(name + " · " + step.stepName(), Guard.session(ctx), "pipelines"),
            "step",
            step,
            "name",
            name,
            "text",
            ValueText.full(value)));
  }

  /** The step named by the path, which must belong to the run the path names. */
  static StepVersion stepOfRun(WebUi.Services services, Context ctx) {
    String versionId = ctx.pathParam("versionId");
    String stepVersionId = ctx.pathParam("stepVersionId");
    return services
        .runs()
        .findStepVersion(stepVersionId)
        .filter(step -> step.pipelineVersionId().equals(versionId))
        .orElseThrow(
            () ->
                new NotFoundException(
                    "No step " + stepVersionId + " in the run " + versionId + "."));
  }

  private static Optional<JsonNode> inputValue(StepVersion step, String name) {
    List<InputMapping> inputs = step.boundInputs() != null ? step.boundInputs() : step.inputs();
    return inputs.stream()
        .filter(input -> input.name().equals(name) && input.value() != null)
        .map(InputMapping::value)
        .findFirst();
  }

  private static Optional<JsonNode> outputValue(StepVersion step, String name) {
    return step.outputValues() == null
        ? Optional.empty()
        : step.outputValues().stream()
            .filter(output -> output.name().equals(name) && output.value() != null)
            .map(OutputMapping::value)
            .findFirst();
  }

  private static List<StepPanel.ValueRow> inputs(StepVersion step) {
    boolean bound = step.boundInputs() != null;
    List<InputMapping> inputs = bound ? step.boundInputs() : step.inputs();
    return inputs.stream()
        .map(
            input ->
                row(
                    step,
                    "input",
                    input.name(),
                    String.valueOf(input.variableType()),
                    bound || input.pipelineVariable() == null
                        ? ""
                        : "from " + input.pipelineVariable(),
                    input.value()))
        .toList();
  }

  private static List<StepPanel.ValueRow> outputs(StepVersion step) {
    List<OutputMapping> outputs =
        step.outputValues() != null ? step.outputValues() : step.outputs();
    return outputs.stream()
        .map(
            output ->
                row(
                    step,
                    "output",
                    output.name(),
                    String.valueOf(output.variableType()),
                    "",
                    output.value()))
        .toList();
  }

  private static StepPanel.ValueRow row(
      StepVersion step, String io, String name, String type, String source, JsonNode value) {
    if (value == null) {
      return new StepPanel.ValueRow(name, type, source, null, false, null);
    }
    String url =
        "/runs/%s/steps/%s/value?io=%s&name=%s"
            .formatted(step.pipelineVersionId(), step.id(), io, Formats.query(name));
    if (References.isReference(value)) {
      // The reference's JSON (a preview of kilobytes) says less than one line: the Artifacts
      // section shows the rest, and the link the reference whole.
      String stored =
          "stored %s '%s', %s (see Artifacts)"
              .formatted(
                  value.path("kind").asText().toLowerCase(Locale.ROOT),
                  value.path("name").asText(),
                  Formats.size(value.path("size").asLong()));
      return new StepPanel.ValueRow(name, type, source, stored, true, url);
    }
    var preview = ValueText.preview(value, PREVIEW_CHARS);
    return new StepPanel.ValueRow(name, type, source, preview.text(), preview.cut(), url);
  }

  private List<StepPanel.AttemptRow> attempts(StepVersion step) {
    var rows = new ArrayList<StepPanel.AttemptRow>();
    for (StepAttempt ended : services.runs().attempts(step.id())) {
      rows.add(
          new StepPanel.AttemptRow(
              ended.attempt(),
              ended.status(),
              ended.cause(),
              ended.error(),
              ended.reason(),
              ended.startedAt(),
              ended.endedAt(),
              false));
    }
    boolean recorded = rows.stream().anyMatch(row -> row.number() == step.attempt());
    if (step.attempt() > 0 && !recorded) {
      rows.add(
          new StepPanel.AttemptRow(
              step.attempt(),
              step.status().name(),
              step.failureCause(),
              step.error(),
              null,
              step.startedAt(),
              step.completedAt(),
              true));
    }
    return List.copyOf(rows.reversed());
  }

  private static StepPanel.LogView logView(StepVersion step, String requested) {
    int latest = step.attempt();
    // A step that never started is watched for its first attempt's log.
    boolean waiting = latest == 0 && step.status() == StepStatus.PENDING;
    int shown = waiting ? 1 : latest;
    if (requested != null && latest > 0) {
      try {
        shown = Math.clamp(Integer.parseInt(requested.strip()), 1, latest);
      } catch (NumberFormatException malformed) {
        shown = latest;
      }
    }
    boolean live = waiting || (shown == latest && step.status() == StepStatus.RUNNING);
    String base = "/runs/" + step.pipelineVersionId() + "/steps/" + step.id() + "/log";
    String query = "?attempt=" + shown;
    return new StepPanel.LogView(
        shown,
        IntStream.rangeClosed(1, latest).boxed().toList().reversed(),
        live,
        base + "/stream" + query,
        base + query);
  }
}
