package dev.penstock.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One method of the API, declared once next to its handler: its name, the verb the SDK sends it
 * with, whether it changes state, whether it is Penstock's own, its parameters and what it returns.
 * The server routes, checks requests and writes {@code openapi.json} from these declarations, so
 * none of them is written twice. Immutable and thread-safe.
 *
 * @param verb the verb the official SDK uses (docs/abacus-api.md §2, §3); extensions pick theirs
 * @param changesState true for a method that writes: it never answers GET, nor to a read-only key
 * @param extension true for Penstock's own methods, which the SDK does not have
 * @param access who besides an admin key may call it (see {@link Access})
 */
public record ApiMethod(
    String name,
    Verb verb,
    boolean changesState,
    boolean extension,
    String summary,
    List<Parameter> parameters,
    Result result,
    Access access,
    Handler handler) {

  /**
   * Who may call a method. An admin key calls everything; a read-only key every method that does
   * not change state unless {@code adminOnly}; a run's key (the one its steps get) only the methods
   * that name a {@code runScope}, and there only its own run.
   */
  public record Access(boolean adminOnly, RunScope runScope) {
    static final Access DEFAULT = new Access(false, RunScope.NONE);
  }

  /**
   * What a run key may reach through a method: nothing, the method whatever its parameters (the
   * SDK's handshake), or only its own run, named by the parameter {@code pipelineVersion} or by a
   * step version of it in {@code pipelineStepVersion}.
   */
  public enum RunScope {
    NONE,
    ANY,
    OWN_VERSION,
    OWN_STEP_VERSION
  }

  /** The verbs of the API. GET and DELETE carry parameters in the query string. */
  public enum Verb {
    GET,
    POST,
    PATCH,
    DELETE;

    public boolean readsQuery() {
      return this == GET || this == DELETE;
    }
  }

  /** Reads checked parameters and returns the result the envelope wraps. */
  @FunctionalInterface
  public interface Handler {
    Object handle(Params params);
  }

  /**
   * What {@code result} holds: an object of a wire record class, a list of them, a plain value
   * (String), or nothing ({@code type} null).
   */
  public record Result(Class<?> type, boolean list) {
    public static final Result NOTHING = new Result(null, false);

    public static Result of(Class<?> type) {
      return new Result(type, false);
    }

    public static Result listOf(Class<?> type) {
      return new Result(type, true);
    }
  }

  public ApiMethod {
    parameters = List.copyOf(parameters);
  }

  public Optional<Parameter> parameter(String parameterName) {
    return parameters.stream().filter(p -> p.name().equals(parameterName)).findFirst();
  }

  /** A method that only reads. */
  static Builder read(Verb verb, String name, String summary) {
    return new Builder(name, verb, false, summary);
  }

  /** A method that changes state. */
  static Builder write(Verb verb, String name, String summary) {
    return new Builder(name, verb, true, summary);
  }

  /** Collects a declaration; {@link #handler} ends it. Not thread-safe. */
  static final class Builder {
    private final String name;
    private final Verb verb;
    private final boolean changesState;
    private final String summary;
    private final List<Parameter> parameters = new ArrayList<>();
    private boolean extension;
    private Result result = Result.NOTHING;
    private Access access = Access.DEFAULT;

    private Builder(String name, Verb verb, boolean changesState, String summary) {
      this.name = name;
      this.verb = verb;
      this.changesState = changesState;
      this.summary = summary;
    }

    /** Marks the method as Penstock's own. */
    Builder extension() {
      extension = true;
      return this;
    }

    /** A parameter the SDK always sends and the method cannot do without. */
    Builder required(String parameter, ParamType type, String meaning) {
      return add(new Parameter(parameter, type, true, Parameter.Use.SDK, meaning));
    }

    /** A parameter the SDK sends, null or absent when the caller gives none. */
    Builder optional(String parameter, ParamType type, String meaning) {
      return add(new Parameter(parameter, type, false, Parameter.Use.SDK, meaning));
    }

    /** A parameter the SDK sends and Penstock accepts but does not use. */
    Builder ignored(String parameter, ParamType type, String meaning) {
      return add(new Parameter(parameter, type, false, Parameter.Use.IGNORED, meaning));
    }

    /** A parameter of Penstock's own: the SDK never sends it. */
    Builder extra(String parameter, ParamType type, String meaning) {
      return add(new Parameter(parameter, type, false, Parameter.Use.EXTENSION, meaning));
    }

    /** A required parameter of an extension method. */
    Builder requiredExtra(String parameter, ParamType type, String meaning) {
      return add(new Parameter(parameter, type, true, Parameter.Use.EXTENSION, meaning));
    }

    /** Only admin keys may call it (key management). */
    Builder adminOnly() {
      access = new Access(true, RunScope.NONE);
      return this;
    }

    /** A run's own key may call it too, within {@code scope}. */
    Builder forRunKeys(RunScope scope) {
      access = new Access(access.adminOnly(), scope);
      return this;
    }

    Builder returns(Class<?> type) {
      result = Result.of(type);
      return this;
    }

    Builder returnsListOf(Class<?> type) {
      result = Result.listOf(type);
      return this;
    }

    ApiMethod handler(Handler handler) {
      return new ApiMethod(
          name, verb, changesState, extension, summary, parameters, result, access, handler);
    }

    private Builder add(Parameter parameter) {
      if (parameters.stream().anyMatch(p -> p.name().equals(parameter.name()))) {
        throw new IllegalStateException(name + " declares " + parameter.name() + " twice");
      }
      parameters.add(parameter);
      return this;
    }
  }
}
