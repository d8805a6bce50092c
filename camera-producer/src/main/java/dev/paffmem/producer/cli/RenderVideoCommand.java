package dev.paffmem.producer.cli;

import dev.paffmem.producer.synthetic.SyntheticVideo;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code produce render-video}: a video of three synthetic persons, with its ground truth as CSV. */
@Command(name = "render-video", mixinStandardHelpOptions = true,
    description = "Renders a 10 s, 25 fps MP4 of three synthetic persons entering, moving and leaving"
        + " (and FILE.truth.csv: frame, person, face box), to try the producer without a camera.")
public final class RenderVideoCommand implements Callable<Integer> {

  @Option(names = "--out", required = true, description = "the .mp4 to write")
  Path out;

  @Option(names = "--width", defaultValue = "640", description = "default: ${DEFAULT-VALUE}")
  int width;

  @Option(names = "--height", defaultValue = "480", description = "default: ${DEFAULT-VALUE}")
  int height;

  @Option(names = "--first-person", defaultValue = "0",
      description = "index of the first of the three EVAL persons (default: ${DEFAULT-VALUE})")
  int firstPerson;

  @Override
  public Integer call() throws Exception {
    if (out.toAbsolutePath().getParent() != null) {
      Files.createDirectories(out.toAbsolutePath().getParent());
    }
    List<SyntheticVideo.Truth> truth = SyntheticVideo.threePersons(width, height, firstPerson).write(out);
    Path csv = Path.of(out + ".truth.csv");
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv))) {
      w.println("frame,person,face_x,face_y,face_width,face_height");
      for (SyntheticVideo.Truth t : truth) {
        w.printf(Locale.ROOT, "%d,%s,%.1f,%.1f,%.1f,%.1f%n", t.frame(), t.personId(), t.face().x(), t.face().y(),
            t.face().width(), t.face().height());
      }
    }
    System.out.println("wrote " + out + " (" + width + "x" + height + ", 250 frames) and " + csv);
    return 0;
  }
}
