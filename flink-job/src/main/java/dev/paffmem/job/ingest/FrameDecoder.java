package dev.paffmem.job.ingest;

import dev.paffmem.job.records.Frame;
import dev.paffmem.job.records.KafkaRecordBytes;
import dev.paffmem.schema.EnrolmentLabel;
import dev.paffmem.schema.FaceFrame;
import dev.paffmem.schema.RejectReason;
import dev.paffmem.schema.RejectedFrame;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * Validates and decodes one raw Kafka record into a {@link Frame}, or says why it cannot be used.
 * Plain Java (no Flink), so every rule is unit-tested directly. Checks, in order:
 *
 * <ol>
 *   <li>PAYLOAD_TOO_LARGE: value larger than --max-record-bytes (before parsing);
 *   <li>UNDECODABLE_RECORD: no value, or not a FaceFrame in Avro single-object encoding;
 *   <li>MISSING_PERSON_ID: blank personId; KEY_MISMATCH: a key that is not the personId;
 *   <li>OTHER: a personId over {@value #MAX_PERSON_ID_CHARS} characters, a sourceId, videoId or utteranceId
 *       over {@value #MAX_TEXT_CHARS} (they are copied into every prediction); a negative frameIndex;
 *   <li>NON_FINITE_LABEL / LABEL_OUT_OF_RANGE: ground-truth labels NaN, infinite or outside [-1, 1];
 *   <li>UNSUPPORTED_ENCODING, PAYLOAD_TOO_LARGE (declared pixels), WRONG_IMAGE_SIZE, UNDECODABLE_IMAGE:
 *       see {@link ImageDecoder}.
 * </ol>
 */
public final class FrameDecoder implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Longest accepted personId: it is the Kafka key of every prediction and state key of the person. */
  public static final int MAX_PERSON_ID_CHARS = 256;
  /** Longest accepted sourceId, videoId, utteranceId (copied into every prediction). */
  public static final int MAX_TEXT_CHARS = 1024;

  /** Either a frame or a rejection. */
  public record Result(Frame frame, RejectedFrame rejected) {
    public boolean accepted() {
      return frame != null;
    }
  }

  private final int maxRecordBytes;
  private final long maxPixels;
  private final int minSide;
  private final int outWidth;
  private final int outHeight;
  private final JpegDecoder jpeg;
  private transient ImageDecoder images;

  public FrameDecoder(int maxRecordBytes, long maxPixels, int minSide, int outWidth, int outHeight) {
    this(maxRecordBytes, maxPixels, minSide, outWidth, outHeight, JpegDecoder.AUTO);
  }

  /** With JPEG frames read by {@code jpeg} ({@link JpegDecoder#AUTO} in the job). */
  public FrameDecoder(int maxRecordBytes, long maxPixels, int minSide, int outWidth, int outHeight, JpegDecoder jpeg) {
    this.jpeg = jpeg;
    this.maxRecordBytes = maxRecordBytes;
    this.maxPixels = maxPixels;
    this.minSide = minSide;
    this.outWidth = outWidth;
    this.outHeight = outHeight;
  }

  public Result decode(KafkaRecordBytes record, long now) {
    FaceFrame f = null;
    try {
      f = parse(record);
      return new Result(toFrame(record, f), null);
    } catch (RejectException e) {
      return new Result(null, Rejections.of(e.reason, e.getMessage(), record,
          f == null || f.getPersonId() == null || f.getPersonId().isBlank() ? null : f.getPersonId(),
          f == null ? null : f.getFrameIndex(), now));
    }
  }

  private FaceFrame parse(KafkaRecordBytes record) throws RejectException {
    if (record.value == null) {
      throw new RejectException(RejectReason.UNDECODABLE_RECORD, "record has no value (tombstone)");
    }
    if (record.value.length > maxRecordBytes) {
      throw new RejectException(RejectReason.PAYLOAD_TOO_LARGE, "record value of " + record.value.length
          + " bytes exceeds --max-record-bytes " + maxRecordBytes);
    }
    try {
      return SafeFaceFrameReader.read(record.value); // never allocates more than the record's size
    } catch (Exception e) {
      throw new RejectException(RejectReason.UNDECODABLE_RECORD,
          "value is not a FaceFrame in Avro single-object encoding: " + e);
    }
  }

  private Frame toFrame(KafkaRecordBytes record, FaceFrame f) throws RejectException {
    String person = f.getPersonId();
    if (person == null || person.isBlank()) {
      throw new RejectException(RejectReason.MISSING_PERSON_ID, "personId is empty");
    }
    if (record.key != null) {
      String key = new String(record.key, StandardCharsets.UTF_8);
      if (!key.equals(person)) {
        throw new RejectException(RejectReason.KEY_MISMATCH, "record key '" + key + "' is not the personId '" + person + "'");
      }
    }
    // every text field travels on into each prediction (the person id twice: key and value)
    checkLength("personId", person, MAX_PERSON_ID_CHARS);
    checkLength("sourceId", f.getSourceId(), MAX_TEXT_CHARS);
    checkLength("videoId", f.getVideoId(), MAX_TEXT_CHARS);
    checkLength("utteranceId", f.getUtteranceId(), MAX_TEXT_CHARS);
    if (f.getFrameIndex() < 0) {
      throw new RejectException(RejectReason.OTHER, "frameIndex must be >= 0, was " + f.getFrameIndex());
    }
    checkLabel("arousal", f.getArousal());
    checkLabel("valence", f.getValence());
    EnrolmentLabel enrolment = f.getEnrolment();
    if (enrolment != null) {
      checkLabel("enrolment.arousal", enrolment.getArousal());
      checkLabel("enrolment.valence", enrolment.getValence());
    }
    byte[] rgb = images().decode(f);

    Frame frame = new Frame();
    frame.personId = person;
    frame.sourceId = f.getSourceId();
    frame.frameIndex = f.getFrameIndex();
    frame.eventTime = f.getEventTime().toEpochMilli();
    frame.kafkaTimestamp = record.timestamp;
    frame.width = outWidth;
    frame.height = outHeight;
    frame.rgb = rgb;
    frame.videoId = f.getVideoId();
    frame.utteranceId = f.getUtteranceId();
    frame.trueArousal = f.getArousal();
    frame.trueValence = f.getValence();
    if (enrolment != null) {
      frame.enrolmentArousal = enrolment.getArousal();
      frame.enrolmentValence = enrolment.getValence();
    }
    frame.sourceTopic = record.topic;
    frame.sourcePartition = record.partition;
    frame.sourceOffset = record.offset;
    frame.originalKey = record.key;
    frame.originalValue = record.value;
    return frame;
  }

  private ImageDecoder images() {
    if (images == null) {
      images = new ImageDecoder(outWidth, outHeight, maxPixels, minSide, jpeg);
    }
    return images;
  }

  /** TURBOJPEG or IMAGEIO: which decoder reads this decoder's JPEG frames (made on first use). */
  public JpegDecoder jpegDecoder() {
    return images().jpegDecoder();
  }

  private static void checkLength(String field, String v, int max) throws RejectException {
    if (v != null && v.length() > max) {
      throw new RejectException(RejectReason.OTHER, field + " of " + v.length() + " characters is longer than " + max);
    }
  }

  private static void checkLabel(String field, Float v) throws RejectException {
    if (v == null) {
      return;
    }
    if (!Float.isFinite(v)) {
      throw new RejectException(RejectReason.NON_FINITE_LABEL, field + " is " + v);
    }
    if (v < -1f || v > 1f) {
      throw new RejectException(RejectReason.LABEL_OUT_OF_RANGE, field + " " + v + " is outside [-1, 1]");
    }
  }
}
