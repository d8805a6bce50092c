package dev.paffmem.producer.pipeline;

/** Shared settings of the tests' rendered videos. */
final class ProducerTestVideos {
  /** Three EVAL persons whose renders the default cascade finds in most frames (README: detector table). */
  static final int[] PERSONS = {0, 8, 5};

  static dev.paffmem.producer.synthetic.SyntheticVideo video() {
    return dev.paffmem.producer.synthetic.SyntheticVideo.threePersons(640, 480, PERSONS[0], PERSONS[1], PERSONS[2]);
  }

  private ProducerTestVideos() {}
}
