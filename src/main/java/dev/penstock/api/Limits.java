package dev.penstock.api;

/**
 * What a request may hold, checked where values enter so that nothing too big, too deep or
 * unnameable is ever stored. Each is a setting. Immutable.
 *
 * @param maxBodyBytes largest request body
 * @param maxNameLength longest name or id, in characters (pipeline, step, function, module names)
 * @param maxValueBytes largest variable or literal input value, as encoded JSON
 * @param maxJsonDepth deepest nesting of JSON in one parameter
 */
public record Limits(long maxBodyBytes, int maxNameLength, long maxValueBytes, int maxJsonDepth) {}
