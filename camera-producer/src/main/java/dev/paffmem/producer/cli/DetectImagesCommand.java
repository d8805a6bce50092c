package dev.paffmem.producer.cli;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import dev.paffmem.producer.detect.FaceDetector;
import dev.paffmem.producer.track.Box;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code produce detect-images}: the face detector on still images (each on its own, whatever its size), with the
 * boxes printed and optionally drawn, to see what a detector does on your own photos.
 */
@Command(name = "detect-images", mixinStandardHelpOptions = true,
    description = "Runs the face detector on images or folders of images (png, jpg, bmp, tif, webp, ppm, pgm): faces"
        + " per image with their boxes; --annotate writes copies with the boxes drawn.")
public final class DetectImagesCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "IMAGE_OR_FOLDER")
  List<Path> inputs;

  @Option(names = "--annotate", paramLabel = "DIR", description = "write each image with its boxes drawn into DIR")
  Path annotate;

  @Mixin
  ProduceCommand.CameraOptions camera = new ProduceCommand.CameraOptions();

  static List<Path> images(List<Path> inputs) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path p : inputs) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT)
              .matches(".*\\.(png|jpe?g|bmp|tiff?|webp|ppm|pgm)$")).sorted().forEach(files::add);
        }
      } else if (Files.isRegularFile(p)) {
        files.add(p);
      } else {
        throw new IOException("no such image or folder: " + p);
      }
    }
    if (files.isEmpty()) {
      throw new IOException("no images in " + inputs);
    }
    return files;
  }

  @Override
  public Integer call() throws Exception {
    List<Path> files = images(inputs);
    if (annotate != null) {
      Files.createDirectories(annotate);
    }
    int withFace = 0;
    int faces = 0;
    System.out.println("detector " + camera.detector().label());
    try (FaceDetector detector = camera.detector().create(); Scalar green = new Scalar(0, 255, 0, 0)) {
      for (Path f : files) {
        try (Mat img = imread(f.toString(), IMREAD_COLOR)) {
          if (img == null || img.empty()) {
            throw new IOException("cannot read image " + f);
          }
          List<Box> boxes = detector.detect(img);
          faces += boxes.size();
          withFace += boxes.isEmpty() ? 0 : 1;
          StringBuilder sb = new StringBuilder();
          for (Box b : boxes) {
            sb.append(String.format(Locale.ROOT, " [x %.0f y %.0f w %.0f h %.0f]", b.x(), b.y(), b.width(),
                b.height()));
            if (annotate != null) {
              try (Point p0 = new Point((int) Math.round(b.x()), (int) Math.round(b.y()));
                  Point p1 = new Point((int) Math.round(b.x() + b.width()), (int) Math.round(b.y() + b.height()))) {
                rectangle(img, p0, p1, green, Math.max(1, img.cols() / 300), 8, 0);
              }
            }
          }
          System.out.printf(Locale.ROOT, "%s (%dx%d): %d face%s%s%n", f.getFileName(), img.cols(), img.rows(),
              boxes.size(), boxes.size() == 1 ? "" : "s", sb);
          if (annotate != null) {
            imwrite(annotate.resolve(f.getFileName().toString().replaceAll("\\.\\w+$", "") + ".png").toString(), img);
          }
        }
      }
    }
    System.out.printf(Locale.ROOT, "%d images, %d with at least one face, %d faces%n", files.size(), withFace, faces);
    return 0;
  }
}
