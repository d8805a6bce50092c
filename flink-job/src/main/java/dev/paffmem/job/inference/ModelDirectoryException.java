package dev.paffmem.job.inference;

/** The model directory does not match its manifest; the message names the file and what is wrong. */
public final class ModelDirectoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelDirectoryException(String message) {
    super(message);
  }

  public ModelDirectoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
