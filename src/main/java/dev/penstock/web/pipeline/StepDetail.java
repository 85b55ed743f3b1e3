package dev.penstock.web.pipeline;

import dev.penstock.model.OutputMapping;
import dev.penstock.model.PipelineStep;
import dev.penstock.model.StepRetry;
import dev.penstock.web.Formats;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/**
 * The step panel of a pipeline page: the step, its inputs explained, its outputs, and the steps
 * that wait for it.
 */
public record StepDetail(
    PipelineStep step,
    List<StepInput> inputs,
    List<OutputMapping> outputs,
    List<String> dependents) {

  /** "3 retries, 10 s apart, doubling" or "none". */
  public String retryText() {
    StepRetry retry = step.retry();
    if (retry == null || retry.retries() <= 0) {
      return "none";
    }
    var text = new StringBuilder();
    text.append(retry.retries()).append(retry.retries() == 1 ? " retry" : " retries");
    if (retry.delaySeconds() > 0) {
      text.append(", first after ")
          .append(Formats.duration(Duration.ofMillis(Math.round(retry.delaySeconds() * 1000))));
      if (retry.backoff() > 1) {
        text.append(", each wait ×")
            .append(BigDecimal.valueOf(retry.backoff()).stripTrailingZeros().toPlainString());
      }
    }
    text.append(
        retry.retryOn() == StepRetry.RetryOn.TIMEOUT ? ", on timeouts only" : ", on any failure");
    return text.toString();
  }
}
