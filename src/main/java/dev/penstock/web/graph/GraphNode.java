package dev.penstock.web.graph;

import java.util.List;
import java.util.Objects;

/**
 * One step as drawn, or a group of steps collapsed by {@link FanOutGroups}. Immutable.
 *
 * @param id unique within its graph; becomes the SVG node's {@code data-id}
 * @param label the step's name as shown; the SVG truncates long ones and keeps the whole in a hover
 *     title
 * @param subtitle short text under the label (a duration such as "1.2 s", a group's counts), or
 *     null
 * @param status a lower-case status name used as the CSS class suffix ({@code pending}, {@code
 *     running}, {@code complete}, {@code failed}, {@code skipped}, {@code cancelled}), or null when
 *     drawing a pipeline rather than a run
 * @param href link target when the node is clicked, or null; the page builds and URL-encodes it,
 *     the SVG only XML-escapes it
 * @param members ids of the steps a group stands for, in input order; empty for a plain step. Added
 *     beyond the page's brief so that a page can list a group's steps or expand it.
 */
public record GraphNode(
    String id, String label, String subtitle, String status, String href, List<String> members) {

  public GraphNode {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(label, "label");
    members = List.copyOf(members);
  }

  /** A plain step: no members. */
  public GraphNode(String id, String label, String subtitle, String status, String href) {
    this(id, label, subtitle, status, href, List.of());
  }

  /** True for a node that {@link FanOutGroups} made out of several steps. */
  public boolean isGroup() {
    return !members.isEmpty();
  }

  /** This node with another link target: how a page makes a group link to its expanded view. */
  public GraphNode withHref(String newHref) {
    return new GraphNode(id, label, subtitle, status, newHref, members);
  }
}
