package dev.paffmem.producer.pipeline;

import dev.paffmem.schema.EnrolmentLabel;
import dev.paffmem.schema.FaceBox;
import dev.paffmem.schema.FaceFrame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * {@code produce --person ID [--enrolment-script FILE]}: a camera that sees one known person (a kiosk, a driver, a
 * webcam at sign-up) instead of anonymous tracks. Wraps the camera's sink: of each video frame's faces it keeps the
 * largest, sends it as person {@code ID} with the frame's event time in epoch milliseconds as its frame index (so a
 * later run for the same person, a sign-up clip then the live camera, continues with higher indices, and a track
 * lost and found again does not restart them), and labels it with the script's emotion if its time in the stream
 * falls in one of the script's windows (FaceFrame's {@code enrolment}: the job keeps it as an enrolled face).
 *
 * <p>The script is a CSV of {@code start_s,end_s,arousal,valence} rows (a header line is allowed): seconds from the
 * stream's first frame, [start, end), for a sign-up clip recorded while the person followed prompts ("look
 * surprised" from 4 s to 6 s). Faces outside every window are sent unlabelled.
 *
 * <p>One camera thread calls {@link #accept}; {@link #flush} after the camera ended sends the last frame's face.
 */
public final class OnePerson implements Consumer<FaceFrame> {

  /** One window of the enrolment script: faces in [startMillis, endMillis) of the stream show (arousal, valence). */
  public record Window(long startMillis, long endMillis, float arousal, float valence) {
    public Window {
      if (endMillis <= startMillis) {
        throw new IllegalArgumentException("a window must end after it starts: " + startMillis + "-" + endMillis + " ms");
      }
      if (!(arousal >= -1 && arousal <= 1 && valence >= -1 && valence <= 1)) {
        throw new IllegalArgumentException("arousal and valence must be in [-1, 1], were " + arousal + ", " + valence);
      }
    }
  }

  private final String personId;
  private final List<Window> script;
  private final Consumer<FaceFrame> sink;
  private FaceFrame pending;
  private long firstMillis = Long.MIN_VALUE;
  private long lastIndex = Long.MIN_VALUE;
  private long enrolled;

  public OnePerson(String personId, List<Window> script, Consumer<FaceFrame> sink) {
    if (personId == null || personId.isBlank()) {
      throw new IllegalArgumentException("--person needs a non-empty id");
    }
    this.personId = personId;
    this.script = List.copyOf(script);
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  /** Reads an enrolment script (see the class comment). */
  public static List<Window> readScript(Path file) throws IOException {
    List<Window> out = new ArrayList<>();
    int line = 0;
    for (String raw : Files.readAllLines(file)) {
      line++;
      String s = raw.strip();
      if (s.isEmpty() || s.startsWith("#") || (line == 1 && Character.isLetter(s.charAt(0)))) {
        continue; // blank, comment, or the header
      }
      String[] c = s.split(",");
      try {
        if (c.length != 4) {
          throw new IllegalArgumentException("expected start_s,end_s,arousal,valence");
        }
        out.add(new Window(Math.round(Double.parseDouble(c[0].strip()) * 1000),
            Math.round(Double.parseDouble(c[1].strip()) * 1000), Float.parseFloat(c[2].strip()),
            Float.parseFloat(c[3].strip())));
      } catch (IllegalArgumentException e) { // NumberFormatException too
        throw new IOException(String.format(Locale.ROOT, "%s line %d ('%s'): %s", file, line, s, e.getMessage()), e);
      }
    }
    return out;
  }

  @Override
  public void accept(FaceFrame face) {
    long t = face.getEventTime().toEpochMilli();
    if (pending != null && pending.getEventTime().toEpochMilli() != t) {
      flush();
    }
    if (pending == null || area(face) > area(pending)) {
      pending = face;
    }
  }

  /** Sends the face kept for the last video frame, if any. */
  public void flush() {
    if (pending == null) {
      return;
    }
    FaceFrame f = pending;
    pending = null;
    long t = f.getEventTime().toEpochMilli();
    if (firstMillis == Long.MIN_VALUE) {
      firstMillis = t;
    }
    if (t <= lastIndex) {
      return; // a stream whose clock went back: the job would reject the frame as out of order
    }
    lastIndex = t;
    FaceFrame.Builder b = FaceFrame.newBuilder(f).setPersonId(personId).setFrameIndex(t);
    long at = t - firstMillis;
    for (Window w : script) {
      if (at >= w.startMillis() && at < w.endMillis()) {
        b.setEnrolment(new EnrolmentLabel(w.arousal(), w.valence()));
        enrolled++;
        break;
      }
    }
    sink.accept(b.build());
  }

  /** Faces sent with an enrolment label so far. */
  public long enrolled() {
    return enrolled;
  }

  private static double area(FaceFrame f) {
    FaceBox b = f.getFaceBox();
    return b == null ? 0 : (double) b.getWidth() * b.getHeight();
  }
}
