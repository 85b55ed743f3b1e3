package dev.penstock.executor.local;

import java.util.Locale;

/** How steps are kept from the server's files (see README, Security). Immutable. */
public enum StepIsolation {
  /** The strongest this machine offers: Landlock, else bubblewrap, else none. */
  AUTO,
  /** Landlock rules applied in each step's process before its code runs. */
  LANDLOCK,
  /** Each step a fresh process under bwrap, which mounts only what it needs. */
  BUBBLEWRAP,
  /** No file system isolation: a step reaches what its user may. */
  NONE;

  /** Parses a setting's value: auto, landlock, bubblewrap or none. */
  public static StepIsolation parse(String value) {
    return valueOf(value.trim().toUpperCase(Locale.ROOT));
  }

  public String setting() {
    return name().toLowerCase(Locale.ROOT);
  }
}
