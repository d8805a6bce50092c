package dev.paffmem.producer.detect;

import dev.paffmem.producer.track.Box;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/** Finds faces in a BGR frame. One instance per thread. */
public interface FaceDetector extends AutoCloseable {

  /** Face boxes in the frame's pixels. */
  List<Box> detect(Mat bgr);

  @Override
  void close();
}
