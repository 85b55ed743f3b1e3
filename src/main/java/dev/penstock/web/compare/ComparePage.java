package dev.penstock.web.compare;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.model.InputMapping;
import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.MissingParameterException;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.OutputMapping;
import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepVersion;
import dev.penstock.store.StepProgress;
import dev.penstock.web.Guard;
import dev.penstock.web.Page;
import dev.penstock.web.Paging;
import dev.penstock.web.Templates;
import dev.penstock.web.ValueText;
import dev.penstock.web.WebUi;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code /compare?a=<run>&b=<run>}: two runs of one pipeline side by side, their steps matched by
 * name a page at a time; only the steps of the page are read whole. Thread-safe.
 */
final class ComparePage {
  static final int STEPS_PER_PAGE = 20;
  static final int RECENT_RUNS = 30;
  static final int PREVIEW_CHARS = 240;

  private final WebUi.Services services;
  private final Templates templates;

  ComparePage(WebUi.Services services, Templates templates) {
    this.services = services;
    this.templates = templates;
  }

  void show(Context ctx) {
    String aId = blankToNull(ctx.queryParam("a"));
    String bId = blankToNull(ctx.queryParam("b"));
    if (aId == null && bId == null) {
      throw new MissingParameterException(
          "Choose two runs of one pipeline to compare: /compare?a=<run id>&b=<run id>.");
    }
    PipelineVersion a = run(aId != null ? aId : bId);
    PipelineVersion b = aId != null && bId != null ? run(bId) : null;
    if (b != null && !a.pipelineId().equals(b.pipelineId())) {
      throw new InvalidParameterException(
          "Only runs of one pipeline can be compared: %s is a run of %s, %s a run of %s."
              .formatted(a.id(), a.pipelineName(), b.id(), b.pipelineName()));
    }
    var comparison = compare(a, b, Paging.page(ctx));
    templates.render(
        ctx,
        ctx.header("HX-Request") != null ? "compare-body.jte" : "compare.jte",
        Map.of(
            "page",
            new Page("Compare runs", Guard.session(ctx), "pipelines"),
            "comparison",
            comparison));
  }

  private PipelineVersion run(String id) {
    return services
        .overview()
        .version(id)
        .orElseThrow(() -> new NotFoundException("No run " + id + "."));
  }

  RunComparison compare(PipelineVersion a, PipelineVersion b, int page) {
    List<String> ids = b == null ? List.of(a.id()) : List.of(a.id(), b.id());
    int stepCount = b == null ? 0 : services.overview().stepNameCount(ids);
    int pages = Math.max(1, (stepCount + STEPS_PER_PAGE - 1) / STEPS_PER_PAGE);
    int shown = Math.min(page, pages);
    List<RunComparison.StepPair> steps = b == null ? List.of() : steps(a, b, ids, shown);
    String pipelineName =
        services
            .pipelines()
            .findPipeline(a.pipelineId())
            .map(Pipeline::name)
            .orElse(a.pipelineName());
    return new RunComparison(
        pipelineName,
        a,
        b,
        recent(a, b),
        b == null ? List.of() : variables(a.variables(), b.variables()),
        steps,
        shown,
        pages,
        stepCount,
        services.clock().instant());
  }

  private List<RunComparison.StepPair> steps(
      PipelineVersion a, PipelineVersion b, List<String> ids, int page) {
    List<String> names =
        services.overview().stepNames(ids, (page - 1) * STEPS_PER_PAGE, STEPS_PER_PAGE);
    Map<String, List<StepProgress>> progress =
        services.overview().stepProgressByVersion(ids, names);
    Map<String, StepVersion> ofA = read(progress.get(a.id()));
    Map<String, StepVersion> ofB = read(progress.get(b.id()));
    var pairs = new ArrayList<RunComparison.StepPair>();
    for (String name : names) {
      StepVersion left = ofA.get(name);
      StepVersion right = ofB.get(name);
      pairs.add(
          new RunComparison.StepPair(
              name,
              left,
              right,
              values(inputs(left), inputs(right)),
              values(outputs(left), outputs(right)),
              StepCodeChanges.between(left, right)));
    }
    return pairs;
  }

  /** The page's step versions, read whole one at a time: only they have their values read. */
  private Map<String, StepVersion> read(List<StepProgress> steps) {
    var byName = new LinkedHashMap<String, StepVersion>();
    for (StepProgress step : steps == null ? List.<StepProgress>of() : steps) {
      services
          .runs()
          .findStepVersion(step.id())
          .ifPresent(found -> byName.put(step.stepName(), found));
    }
    return byName;
  }

  private List<PipelineVersion> recent(PipelineVersion a, PipelineVersion b) {
    var runs = new ArrayList<>(services.overview().versions(a.pipelineId(), 0, RECENT_RUNS));
    for (PipelineVersion chosen : b == null ? List.of(a) : List.of(a, b)) {
      if (runs.stream().noneMatch(run -> run.id().equals(chosen.id()))) {
        runs.add(chosen);
      }
    }
    return runs;
  }

  static List<RunComparison.ValuePair> variables(List<InputMapping> a, List<InputMapping> b) {
    return values(byName(a), byName(b));
  }

  private static Map<String, JsonNode> byName(List<InputMapping> mappings) {
    var values = new LinkedHashMap<String, JsonNode>();
    for (InputMapping mapping : mappings == null ? List.<InputMapping>of() : mappings) {
      values.put(mapping.name(), mapping.value());
    }
    return values;
  }

  private static Map<String, JsonNode> inputs(StepVersion step) {
    if (step == null) {
      return Map.of();
    }
    return byName(step.boundInputs() != null ? step.boundInputs() : step.inputs());
  }

  private static Map<String, JsonNode> outputs(StepVersion step) {
    var values = new LinkedHashMap<String, JsonNode>();
    if (step != null && step.outputValues() != null) {
      for (OutputMapping output : step.outputValues()) {
        values.put(output.name(), output.value());
      }
    }
    return values;
  }

  private static List<RunComparison.ValuePair> values(
      Map<String, JsonNode> a, Map<String, JsonNode> b) {
    var names = new TreeSet<String>(a.keySet());
    names.addAll(b.keySet());
    var pairs = new ArrayList<RunComparison.ValuePair>();
    for (String name : names) {
      JsonNode left = a.get(name);
      JsonNode right = b.get(name);
      boolean differs = a.containsKey(name) != b.containsKey(name) || !ValueText.same(left, right);
      pairs.add(new RunComparison.ValuePair(name, text(a, name), text(b, name), differs));
    }
    return pairs;
  }

  private static String text(Map<String, JsonNode> values, String name) {
    if (!values.containsKey(name)) {
      return null;
    }
    JsonNode value = values.get(name);
    if (value == null) {
      return "—";
    }
    var preview = ValueText.preview(value, PREVIEW_CHARS);
    return preview.text() + (preview.cut() ? "…" : "");
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
