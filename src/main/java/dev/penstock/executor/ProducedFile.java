package dev.penstock.executor;

import java.nio.file.Path;

/**
 * A file a successful attempt left to be kept: {@code name} as the step wrote it, relative to its
 * working directory ({@code .penstock-values/df.pkl}, {@code outputs/plots/loss.png}); {@code path}
 * where the executor moved it, out of the step's reach; {@code size} in bytes.
 */
public record ProducedFile(String name, Path path, long size) {}
