package dev.penstock.engine;

import dev.penstock.model.StepStatus;
import java.util.List;

/** What the planner needs to know of one step in a run. */
public record StepState(
    String stepVersionId, String name, List<String> dependencies, StepStatus status) {}
