package dev.penstock.engine.run;

import dev.penstock.store.RunStore;
import dev.penstock.store.StoreException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A real RunStore that fails on demand, as a full disk or a lost database connection would: each
 * method named in {@link #failOn} throws a {@link StoreException} without touching the store, each
 * named in {@link #failAfter} does its work and then throws (a commit whose answer was lost), each
 * named in {@link #hangOn} waits, until {@link #heal}. Thread-safe.
 */
public final class FailingRunStore implements InvocationHandler {
  /** Every RunStore method that writes: what a full disk fails. */
  public static final String[] WRITES = {
    "createVersion",
    "claimStep",
    "claimStepWithProgress",
    "completeStep",
    "completeStepWithProgress",
    "skipStep",
    "requeueStep",
    "requeueAfterFault",
    "finishVersion",
    "heartbeatNode",
    "resetSteps",
    "cancelVersion",
    "skipPendingSteps",
    "retryStep",
    "admitVersion",
    "deleteVersion"
  };

  private static final Set<String> METHODS =
      Arrays.stream(RunStore.class.getMethods()).map(Method::getName).collect(Collectors.toSet());

  private final RunStore delegate;
  private final RunStore proxy;
  private final Set<String> failing = ConcurrentHashMap.newKeySet();
  private final Set<String> failingAfter = ConcurrentHashMap.newKeySet();
  private final Set<String> hanging = ConcurrentHashMap.newKeySet();
  private final AtomicInteger faults = new AtomicInteger();

  private FailingRunStore(RunStore delegate) {
    this.delegate = delegate;
    this.proxy =
        (RunStore)
            Proxy.newProxyInstance(
                RunStore.class.getClassLoader(), new Class<?>[] {RunStore.class}, this);
  }

  public static FailingRunStore wrapping(RunStore delegate) {
    return new FailingRunStore(delegate);
  }

  /** The store to give the engine. */
  public RunStore store() {
    return proxy;
  }

  /** These methods throw, changing nothing, until {@link #heal}. */
  public void failOn(String... methods) {
    failing.addAll(known(methods));
  }

  /** These methods do their work, then throw, until {@link #heal}. */
  public void failAfter(String... methods) {
    failingAfter.addAll(known(methods));
  }

  /** These methods wait, as on a database that does not answer, until {@link #heal}. */
  public void hangOn(String... methods) {
    hanging.addAll(known(methods));
  }

  public void heal() {
    failing.clear();
    failingAfter.clear();
    hanging.clear();
    synchronized (hanging) {
      hanging.notifyAll();
    }
  }

  /** How many calls have failed so far. */
  public int faults() {
    return faults.get();
  }

  @Override
  public Object invoke(Object self, Method method, Object[] args) throws Throwable {
    String name = method.getName();
    synchronized (hanging) {
      while (hanging.contains(name)) {
        hanging.wait();
      }
    }
    if (failing.contains(name)) {
      throw fault(name);
    }
    Object result;
    try {
      result = method.invoke(delegate, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
    if (failingAfter.contains(name)) {
      throw fault(name);
    }
    return result;
  }

  private StoreException fault(String method) {
    faults.incrementAndGet();
    return new StoreException(
        "Database error: [SQLITE_FULL] database or disk is full (injected into " + method + ")",
        null);
  }

  private static Set<String> known(String... methods) {
    for (String method : methods) {
      if (!METHODS.contains(method)) {
        throw new IllegalArgumentException("RunStore has no method " + method);
      }
    }
    return Set.of(methods);
  }
}
