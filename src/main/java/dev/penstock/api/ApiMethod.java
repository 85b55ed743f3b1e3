package dev.penstock.api;

/** One method of the API: reads its parameters and returns the result the envelope wraps. */
@FunctionalInterface
public interface ApiMethod {
  Object call(Params params);
}
