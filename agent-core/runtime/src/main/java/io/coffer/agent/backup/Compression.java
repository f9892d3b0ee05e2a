package io.coffer.agent.backup;

import java.util.Optional;

/**
 * How the backup pipeline compresses with zstd.
 *
 * <p>The default is level 1, as Percona XtraBackup's {@code --compress-zstd-level}: database pages
 * compress nearly as well as at zstd's own default of 3 for a third of the CPU, and a backup is
 * usually limited by CPU on a small guest. With {@code workers > 0}, zstd compresses in that many
 * native threads of its own (its multithreaded mode, {@code ZSTD_c_nbWorkers}), so compression runs
 * beside the pipeline's thread, which encrypts and hashes; the output is a standard zstd frame
 * either way, and restores decompress it on one thread whatever the workers were.
 *
 * <p>Negative levels are zstd's fast levels ({@code zstd --fast=N}), for guests whose CPU limits
 * the backup: on this project's benchmark data, with two workers, level -1 compressed a table of
 * random bytes three times faster than level 1 (0.21 instead of 0.62 s for 308 MiB, the same size)
 * and a table of text 13 % faster but 1.4 times larger. 0 is refused: zstd reads it as its default,
 * 3.
 *
 * @param level zstd level: -7 (fastest, largest) to -1, or 1 to 19 (smallest, slowest)
 * @param workers zstd worker threads; 0 compresses on the pipeline's own thread
 */
public record Compression(int level, int workers) {
  public static final int MIN_LEVEL = -7;
  public static final int MAX_LEVEL = 19;
  public static final int MAX_WORKERS = 64;

  /** Level 1, one worker per core. */
  public static final Compression DEFAULT =
      new Compression(1, Runtime.getRuntime().availableProcessors());

  public Compression {
    levelProblem(level)
        .ifPresent(
            problem -> {
              throw new IllegalArgumentException("zstd level " + problem);
            });
    if (workers < 0 || workers > MAX_WORKERS) {
      throw new IllegalArgumentException(
          "zstd workers must be 0.." + MAX_WORKERS + ", not " + workers);
    }
  }

  /** What is wrong with {@code level} ("must be -7..-1 or 1..19, not 0 (...)"), if anything. */
  public static Optional<String> levelProblem(int level) {
    if (level >= MIN_LEVEL && level <= MAX_LEVEL && level != 0) {
      return Optional.empty();
    }
    return Optional.of(
        "must be "
            + MIN_LEVEL
            + "..-1 or 1.."
            + MAX_LEVEL
            + ", not "
            + level
            + (level == 0 ? " (zstd would take 0 as its default, 3)" : ""));
  }
}
