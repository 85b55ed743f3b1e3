package dev.penstock.store;

/**
 * Which state of a pipeline step a reader saw: each update of the step, or of its function, raises
 * its revision. Two reads with equal stamps read the same step, field for field.
 */
public record StepStamp(String stepId, long stepRevision, long functionRevision) {}
