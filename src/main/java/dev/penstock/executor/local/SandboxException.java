package dev.penstock.executor.local;

/**
 * The configured step sandbox cannot work on this machine; the message is one line saying why.
 * Immutable.
 */
public final class SandboxException extends RuntimeException {
  public SandboxException(String message) {
    super(message);
  }
}
