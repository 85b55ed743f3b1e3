package dev.penstock.model;

/**
 * Why a step attempt failed. Whether a failure may be retried depends on its cause, not on the
 * step's wire status: a lost worker or a failed launch says nothing about the user's code.
 */
public enum FailureCause {
  USER_CODE(false),
  BAD_INPUT(false),
  OUTPUT_ERROR(false),
  TIMED_OUT(false),
  MEMORY_EXCEEDED(false),
  /** It kept more in its working directory than its disk budget. */
  DISK_EXCEEDED(false),
  MISSING_PACKAGES(false),
  /**
   * The cluster cannot start it as asked (its image cannot be pulled, no node can take it): neither
   * waiting longer nor running it again at once would help.
   */
  CANNOT_START(false),
  LAUNCH_FAILED(true),
  WORKER_LOST(true),
  /**
   * The platform failed the attempt (its fork server died, the store or the disk failed, the
   * executor broke): the step runs again without using a retry, up to a cap of such faults in a
   * row.
   */
  PLATFORM_FAULT(true);

  private final boolean retriable;

  FailureCause(boolean retriable) {
    this.retriable = retriable;
  }

  public boolean retriable() {
    return retriable;
  }
}
