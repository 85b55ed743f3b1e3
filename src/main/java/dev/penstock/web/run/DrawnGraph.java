package dev.penstock.web.run;

import java.util.Map;
import java.util.Set;

/**
 * A run's graph as its page draws it: the SVG markup (null when not drawn, {@code note} saying
 * why), the step version ids drawn as nodes of their own, and the fan-out group each other step is
 * drawn in. Immutable.
 */
record DrawnGraph(String svg, String note, Set<String> drawnSteps, Map<String, String> groupOf) {

  static DrawnGraph none(String note) {
    return new DrawnGraph(null, note, Set.of(), Map.of());
  }
}
