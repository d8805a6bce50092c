package dev.paffmem.job.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where the model shipped with the repository lives, for commands run from the root or a module folder. */
public final class ShippedModel {

  /** The shipped, trained PK model's folder name under {@code models/}. */
  public static final String NAME = "demo-pk";

  private ShippedModel() {}

  /**
   * {@code models/demo-pk} relative to the working directory or its parent, whichever holds a manifest;
   * {@code models/demo-pk} otherwise (the job's start-up validation then says what is missing).
   */
  public static Path directory() {
    for (String base : List.of("models", "../models")) {
      Path p = Path.of(base, NAME);
      if (Files.isRegularFile(p.resolve("manifest.json"))) {
        return p;
      }
    }
    return Path.of("models", NAME);
  }
}
