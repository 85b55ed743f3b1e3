package dev.penstock.api;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * A result written to the response as it is read, for answers that can be larger than the heap (a
 * run with a large value in each of its steps). The envelope hands it a {@link Sink}; the result
 * opens it once it knows it can answer (the run exists, the first read succeeded), so that an error
 * until then is answered in the envelope like any other. Used once.
 */
@FunctionalInterface
interface Streamed {

  /** Writes the result as one JSON value into the generator {@code sink} opens. */
  void writeTo(Sink sink) throws IOException;

  /** Where a streamed result goes. */
  @FunctionalInterface
  interface Sink {
    /**
     * Commits the answer to 200 and returns the generator, placed where the result's value goes. At
     * most once.
     */
    JsonGenerator open() throws IOException;
  }
}
