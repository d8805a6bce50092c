package dev.paffmem.producer.pipeline;

import dev.paffmem.producer.synthetic.SyntheticVideo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The tests' rendered video, rendered once per test JVM. */
final class ProducerTestVideos {
  /**
   * Three EVAL persons whose renders every detector that ships finds in (nearly) every frame (README: detector table),
   * so the pipeline's tests do not depend on the detector's recall.
   */
  static final int[] PERSONS = {0, 8, 5};

  private static Path file;
  private static List<SyntheticVideo.Truth> truth;

  private ProducerTestVideos() {}

  static SyntheticVideo video() {
    return SyntheticVideo.threePersons(640, 480, PERSONS[0], PERSONS[1], PERSONS[2]);
  }

  /** The video's file (deleted when the JVM exits). */
  static synchronized Path file() throws Exception {
    if (file == null) {
      Path f = Files.createTempFile("paffmem-three-persons", ".mp4");
      f.toFile().deleteOnExit();
      truth = video().write(f);
      file = f;
    }
    return file;
  }

  private static Path small;

  /** The same three persons at 360x288 (cheaper to render and detect), deleted when the JVM exits. */
  static synchronized Path smallFile() throws Exception {
    if (small == null) {
      Path f = Files.createTempFile("paffmem-three-persons-small", ".mp4");
      f.toFile().deleteOnExit();
      SyntheticVideo.threePersons(360, 288, PERSONS[0], PERSONS[1], PERSONS[2]).write(f);
      small = f;
    }
    return small;
  }

  static synchronized List<SyntheticVideo.Truth> truth() throws Exception {
    file();
    return truth;
  }
}
