package dev.penstock.web.run;

import java.util.Map;

/**
 * The run as its page's header shows it, in a live update: status (lower case), its duration so
 * far, its error, and how many steps are in each status (upper-case names).
 */
public record LiveRun(
    String status,
    String duration,
    String completedAt,
    String error,
    boolean open,
    Map<String, Integer> counts) {}
