package dev.paffmem.job.config;

/** Invalid configuration, found at start-up; the message names the flag (or file) and what to fix. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
