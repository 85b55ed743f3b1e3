package dev.penstock.web.run;

/** A fan-out group's node as the live stream rewrites it: its status and counts by status. */
public record LiveGroup(String id, String status, String subtitle) {}
