package dev.penstock.web.graph;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Label, status and subtitle of a group node (rules in {@link FanOutGroups}). Stateless. */
final class GroupSummary {
  /** Most telling first: what is happening, what needs attention, what is still to come. */
  static final List<String> STATUS_ORDER =
      List.of("running", "failed", "pending", "cancelled", "skipped", "complete");

  /** Shorter common names ("s", "_") say nothing about the members. */
  private static final int MIN_COMMON_NAME_LENGTH = 2;

  private static final Comparator<String> MOST_TELLING_FIRST =
      Comparator.comparingInt(GroupSummary::rank).thenComparing(Comparator.naturalOrder());

  private GroupSummary() {}

  static GraphNode groupNode(String groupId, List<GraphNode> members) {
    var counts = countsByStatus(members);
    String status = counts.isEmpty() ? null : counts.keySet().iterator().next();
    String subtitle =
        counts.isEmpty()
            ? null
            : counts.entrySet().stream()
                .map(entry -> thousands(entry.getValue()) + " " + entry.getKey())
                .collect(Collectors.joining(" · "));
    var memberIds = members.stream().map(GraphNode::id).toList();
    return new GraphNode(groupId, label(members), subtitle, status, null, memberIds);
  }

  /** "square ×9,998" when the members share a name, else "9,998 steps". */
  static String label(List<GraphNode> members) {
    String common = commonName(members.stream().map(GraphNode::label).toList());
    String size = thousands(members.size());
    return common.length() >= MIN_COMMON_NAME_LENGTH ? common + " ×" + size : size + " steps";
  }

  /**
   * The labels' common prefix without the counter and separator that tell members apart: "square_0"
   * … "square_17" give "square", not "square_" or "square_1".
   */
  static String commonName(List<String> labels) {
    String prefix = labels.getFirst();
    for (String label : labels) {
      int length = 0;
      int max = Math.min(prefix.length(), label.length());
      while (length < max && prefix.charAt(length) == label.charAt(length)) {
        length++;
      }
      prefix = prefix.substring(0, length);
    }
    int end = prefix.length();
    while (end > 0 && isCounterOrSeparator(prefix.charAt(end - 1))) {
      end--;
    }
    // Never end on half of a surrogate pair cut by the comparison above.
    if (end > 0 && Character.isHighSurrogate(prefix.charAt(end - 1))) {
      end--;
    }
    return prefix.substring(0, end).strip();
  }

  private static boolean isCounterOrSeparator(char c) {
    return Character.isDigit(c) || "_-.:/# ".indexOf(c) >= 0;
  }

  /** Member counts by status, most telling status first; members without a status are left out. */
  private static Map<String, Integer> countsByStatus(List<GraphNode> members) {
    var counts = new TreeMap<String, Integer>(MOST_TELLING_FIRST);
    for (GraphNode member : members) {
      if (member.status() != null) {
        counts.merge(member.status(), 1, Integer::sum);
      }
    }
    return counts;
  }

  private static int rank(String status) {
    int rank = STATUS_ORDER.indexOf(status);
    return rank < 0 ? STATUS_ORDER.size() : rank;
  }

  private static String thousands(int count) {
    return String.format(Locale.ROOT, "%,d", count);
  }
}
