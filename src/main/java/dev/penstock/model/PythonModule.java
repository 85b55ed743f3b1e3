package dev.penstock.model;

import java.time.Instant;

/** Named Python source that step code imports by name (createModule and friends). */
public record PythonModule(String name, String sourceCode, Instant createdAt, Instant updatedAt) {}
