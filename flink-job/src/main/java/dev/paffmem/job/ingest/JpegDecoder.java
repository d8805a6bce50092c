package dev.paffmem.job.ingest;

import java.util.Locale;

/**
 * Which decoder reads JPEG frames. The job uses {@link #AUTO}; tests and benchmarks name one. PNG and RAW_RGB8
 * frames are not affected.
 */
public enum JpegDecoder {
  /**
   * {@link #TURBOJPEG} when libturbojpeg is loadable (Debian's {@code libturbojpeg0}), else {@link #IMAGEIO}. The
   * system property {@code paffmem.jpeg.decoder=imageio} (or {@code turbojpeg}) overrides it.
   */
  AUTO,
  /**
   * libjpeg-turbo's TurboJPEG API, one native call per image, for the JPEGs it decodes exactly as the JDK's reader
   * does (colour JFIF, sequential, no ICC profile); the others through {@link #IMAGEIO}. A decoder asking for it
   * fails to start when the library is missing.
   */
  TURBOJPEG,
  /** The JDK's ImageIO reader for every JPEG. */
  IMAGEIO;

  /** The system property that overrides {@link #AUTO}. */
  public static final String PROPERTY = "paffmem.jpeg.decoder";

  /** {@link #TURBOJPEG} or {@link #IMAGEIO}: what this choice means on this machine. */
  public JpegDecoder resolve() {
    if (this != AUTO) {
      return this;
    }
    String forced = System.getProperty(PROPERTY, "auto").trim().toUpperCase(Locale.ROOT);
    if (!forced.equals("AUTO")) {
      try {
        return valueOf(forced).resolve();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("-D" + PROPERTY + " must be auto, turbojpeg or imageio, was '"
            + System.getProperty(PROPERTY) + "'", e);
      }
    }
    return TurboJpeg.available() ? TURBOJPEG : IMAGEIO;
  }

  /** Whether libturbojpeg is loadable here. */
  public static boolean turboJpegAvailable() {
    return TurboJpeg.available();
  }

  /** The loaded libturbojpeg's file, or why it could not be loaded. */
  public static String turboJpegLibrary() {
    return TurboJpeg.describe();
  }
}
