package dev.penstock.model;

/** What last set a run going (Penstock extension field {@code trigger}). */
public enum RunTrigger {
  MANUAL,
  SCHEDULE,
  RESET
}
