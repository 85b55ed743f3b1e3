package dev.penstock.store.jdbc;

import dev.penstock.store.StoreException;

/**
 * A database failure that a retry might cure (a lock wait timed out, a deadlock was broken). The
 * store retries these itself a bounded number of times; one that escapes means the retries ran out.
 */
public class TransientStoreException extends StoreException {
  public TransientStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
